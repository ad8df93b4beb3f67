import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { allocateSpend, DEFAULT_POINTS_POLICY, lotExpiresAt, PointsPolicy } from '@allycard/domain';
import { EntityManager, MoreThan, Repository } from 'typeorm';
import { DomainError } from '../common/errors';
import { isUniqueViolation, RetryableConflict } from '../common/transactions';
import { Member } from '../members/member.entity';
import {
  AccountKind,
  PointsLot,
  PointsLotUse,
  PointsPolicyRow,
  PointsPosting,
  PointsTransaction,
  PointsTransactionKind,
} from './points.entities';

export interface Posting {
  accountKind: AccountKind;
  /** member or merchant id; '0' for alliance-wide accounts */
  ownerId: string;
  amount: number;
}

export interface TransactionInput {
  allianceId: string;
  kind: PointsTransactionKind;
  sourceType: string;
  sourceId: string;
  memberId: string | null;
  merchantId: string | null;
  postings: Posting[];
}

/** The same business source was already posted: the caller's retry is a no-op. */
export class AlreadyPosted extends Error {}

/**
 * The points ledger. Every change is a transaction of postings that sum to zero; member balances
 * (members.points) move by guarded updates in the same database transaction, so a balance equals its
 * postings and never goes below zero. Other accounts have no balance row (no hot row per merchant):
 * settlement sums their postings.
 */
@Injectable()
export class LedgerService {
  constructor(@InjectRepository(PointsPolicyRow) private readonly policies: Repository<PointsPolicyRow>) {}

  async policy(allianceId: string, em?: EntityManager): Promise<PointsPolicy> {
    const row = await (em ? em.getRepository(PointsPolicyRow) : this.policies).findOneBy({ allianceId });
    return row
      ? {
          earnFenPerPoint: row.earnFenPerPoint,
          pointValueFen: row.pointValueFen,
          expiryMonths: row.expiryMonths,
        }
      : { ...DEFAULT_POINTS_POLICY };
  }

  async post(em: EntityManager, input: TransactionInput, at = new Date()): Promise<PointsTransaction> {
    const sum = input.postings.reduce((s, p) => s + p.amount, 0);
    if (sum !== 0 || input.postings.some((p) => !Number.isSafeInteger(p.amount)))
      throw new Error('postings must be integers summing to zero');
    const points = input.postings.filter((p) => p.amount > 0).reduce((s, p) => s + p.amount, 0);
    let tx: PointsTransaction;
    try {
      tx = await em.save(
        em.create(PointsTransaction, {
          allianceId: input.allianceId,
          kind: input.kind,
          sourceType: input.sourceType,
          sourceId: input.sourceId,
          memberId: input.memberId,
          merchantId: input.merchantId,
          points,
          createdAt: at,
        }),
      );
    } catch (error) {
      if (isUniqueViolation(error, 'source'))
        throw new AlreadyPosted(`${input.sourceType}:${input.sourceId}`);
      throw error;
    }
    await em.insert(
      PointsPosting,
      input.postings.map((p) => ({
        allianceId: input.allianceId,
        transactionId: tx.id,
        accountKind: p.accountKind,
        ownerId: p.ownerId,
        amount: p.amount,
        createdAt: at,
      })),
    );
    for (const p of input.postings.filter((x) => x.accountKind === 'member'))
      await this.moveMemberBalance(em, input.allianceId, p.ownerId, p.amount);
    return tx;
  }

  /** Points earned by a member, funded by `funder` (a merchant's funding account or the alliance). */
  async earn(
    em: EntityManager,
    member: Member,
    points: number,
    source: { kind: 'earn' | 'reward'; type: string; id: string; merchantId: string | null },
    at = new Date(),
  ): Promise<PointsTransaction | null> {
    if (points <= 0) return null;
    const policy = await this.policy(member.allianceId, em);
    const funder: Posting = source.merchantId
      ? { accountKind: 'merchant_funding', ownerId: source.merchantId, amount: -points }
      : { accountKind: 'alliance', ownerId: '0', amount: -points };
    const tx = await this.post(
      em,
      {
        allianceId: member.allianceId,
        kind: source.kind,
        sourceType: source.type,
        sourceId: source.id,
        memberId: member.id,
        merchantId: source.merchantId,
        postings: [{ accountKind: 'member', ownerId: member.id, amount: points }, funder],
      },
      at,
    );
    await em.insert(PointsLot, {
      allianceId: member.allianceId,
      memberId: member.id,
      transactionId: tx.id,
      merchantId: source.merchantId,
      points,
      remaining: points,
      expiresAt: lotExpiresAt(at, policy.expiryMonths),
      createdAt: at,
    });
    return tx;
  }

  /**
   * Spends a member's points, crediting `credit` (the merchant where they were spent, or the alliance).
   * The balance guard comes first: on MySQL its row lock serialises this member's spends, so the
   * lots read next are current; each lot is then taken by a guarded update.
   */
  async spend(
    em: EntityManager,
    member: Member,
    points: number,
    credit: { accountKind: 'merchant_redemption' | 'alliance'; ownerId: string },
    source: { type: string; id: string; merchantId: string | null },
    at = new Date(),
  ): Promise<PointsTransaction> {
    const tx = await this.post(
      em,
      {
        allianceId: member.allianceId,
        kind: 'spend',
        sourceType: source.type,
        sourceId: source.id,
        memberId: member.id,
        merchantId: source.merchantId,
        postings: [
          { accountKind: 'member', ownerId: member.id, amount: -points },
          { accountKind: credit.accountKind, ownerId: credit.ownerId, amount: points },
        ],
      },
      at,
    );
    const lots = await em.find(PointsLot, {
      where: { memberId: member.id, remaining: MoreThan(0) },
      // MySQL: a locking read sees the latest committed lots whatever this transaction read before.
      ...(em.connection.options.type === 'mysql' && { lock: { mode: 'pessimistic_write' as const } }),
    });
    const takes = allocateSpend(lots, points, at);
    if (!takes) throw new DomainError('INSUFFICIENT_POINTS', 409, '积分不足');
    for (const take of takes) {
      const taken = await em
        .createQueryBuilder()
        .update(PointsLot)
        .set({ remaining: () => `remaining - ${take.points}` })
        .where('id = :id AND remaining >= :points', { id: take.lotId, points: take.points })
        .execute();
      if (taken.affected !== 1) throw new RetryableConflict('a points lot changed during the spend');
      await em.insert(PointsLotUse, { transactionId: tx.id, lotId: take.lotId, points: take.points });
    }
    return tx;
  }

  /** Expires what is left of one due lot into breakage; a second run finds nothing left (idempotent). */
  async expireLot(em: EntityManager, lot: PointsLot, at = new Date()): Promise<number> {
    const fresh = await em.findOneBy(PointsLot, { id: lot.id });
    if (!fresh || fresh.remaining <= 0 || fresh.expiresAt > at) return 0;
    const taken = await em.update(PointsLot, { id: lot.id, remaining: fresh.remaining }, { remaining: 0 });
    if (taken.affected !== 1) return 0;
    await this.post(
      em,
      {
        allianceId: lot.allianceId,
        kind: 'expire',
        sourceType: 'lot_expiry',
        sourceId: lot.id,
        memberId: lot.memberId,
        merchantId: lot.merchantId,
        postings: [
          { accountKind: 'member', ownerId: lot.memberId, amount: -fresh.remaining },
          { accountKind: 'breakage', ownerId: '0', amount: fresh.remaining },
        ],
      },
      at,
    );
    return fresh.remaining;
  }

  /** members.points moves only here: never below zero, in the caller's transaction. */
  private async moveMemberBalance(em: EntityManager, allianceId: string, memberId: string, amount: number) {
    const qb = em
      .createQueryBuilder()
      .update(Member)
      .set({ points: () => `points + (${amount})` });
    const result =
      amount < 0
        ? await qb
            .where('id = :id AND alliance_id = :allianceId AND points >= :need', {
              id: memberId,
              allianceId,
              need: -amount,
            })
            .execute()
        : await qb.where('id = :id AND alliance_id = :allianceId', { id: memberId, allianceId }).execute();
    if (result.affected !== 1) throw new DomainError('INSUFFICIENT_POINTS', 409, '积分不足');
  }
}
