import { Injectable } from '@nestjs/common';
import { createHash, randomBytes } from 'node:crypto';
import { Column, Entity, EntityManager, IsNull, LessThan } from 'typeorm';
import { TransactionRunner } from '../common/transactions';
import { IdColumn, idTransformer } from '../database/columns';

/** One refresh token of a staff login; only its SHA-256 is stored. */
@Entity('staff_refresh_tokens')
export class StaffRefreshToken {
  @IdColumn()
  id: string;

  @Column({ type: 'bigint', transformer: idTransformer })
  accountId: string;

  /** every token rotated from one login shares it; reusing a rotated one revokes them all */
  @Column()
  family: string;

  @Column()
  tokenHash: string;

  /** the account's token version at login: a bump (disable, new password) ends the family */
  @Column({ type: 'int' })
  tokenVersion: number;

  /** the family's end, fixed at login: rotation does not extend a session */
  @Column({ type: 'datetime' })
  expiresAt: Date;

  /** when it was exchanged (or revoked); a used token never works again */
  @Column({ type: 'datetime', nullable: true })
  usedAt: Date | null;

  @Column({ type: 'datetime' })
  createdAt: Date;
}

/** A staff session lasts one shift at most; access tokens are renewed within it. */
export const REFRESH_FAMILY_MS = 12 * 60 * 60 * 1000;

const hashOf = (token: string) => createHash('sha256').update(token).digest('hex');

export type Rotation =
  { ok: true; accountId: string; tokenVersion: number; family: string; expiresAt: Date } | { ok: false };

/**
 * Opaque, rotated refresh tokens. Each exchange marks the token used with a guarded update (only an
 * unused, unexpired token moves), so two racing exchanges of one token cannot both win; presenting a
 * token that was already used means it leaked (or a replay): the whole family is revoked.
 */
@Injectable()
export class RefreshTokens {
  constructor(private readonly tx: TransactionRunner) {}

  /** A new token in `family` (a new family at login), in the caller's transaction. */
  async issue(
    em: EntityManager,
    input: { accountId: string; tokenVersion: number; family?: string; expiresAt?: Date },
    now = new Date(),
  ): Promise<string> {
    const token = randomBytes(32).toString('base64url');
    await em.insert(StaffRefreshToken, {
      accountId: input.accountId,
      family: input.family ?? randomBytes(16).toString('hex'),
      tokenHash: hashOf(token),
      tokenVersion: input.tokenVersion,
      expiresAt: input.expiresAt ?? new Date(now.getTime() + REFRESH_FAMILY_MS),
      usedAt: null,
      createdAt: now,
    });
    return token;
  }

  /** Uses up `token`; on a reuse the family is revoked before answering. */
  async consume(em: EntityManager, token: string, now: Date): Promise<Rotation> {
    const tokenHash = hashOf(token);
    const taken = await em
      .createQueryBuilder()
      .update(StaffRefreshToken)
      .set({ usedAt: now })
      .where('token_hash = :tokenHash AND used_at IS NULL AND expires_at > :now', { tokenHash, now })
      .execute();
    const row = await em.findOneBy(StaffRefreshToken, { tokenHash });
    if (!row) return { ok: false };
    if (taken.affected !== 1) {
      if (row.usedAt)
        await em.update(StaffRefreshToken, { family: row.family, usedAt: IsNull() }, { usedAt: now });
      return { ok: false };
    }
    return {
      ok: true,
      accountId: row.accountId,
      tokenVersion: row.tokenVersion,
      family: row.family,
      expiresAt: row.expiresAt,
    };
  }

  /** Drops tokens whose family has ended (reuse of them is refused as unknown anyway). */
  async purge(now = new Date()): Promise<number> {
    const result = await this.tx.run((em) => em.delete(StaffRefreshToken, { expiresAt: LessThan(now) }));
    return result.affected ?? 0;
  }
}
