import { Injectable } from '@nestjs/common';
import { Column, Entity, EntityManager, In, LessThan } from 'typeorm';
import { DomainError } from '../common/errors';
import { TransactionRunner } from '../common/transactions';
import { USERNAME_MAX } from './username';

/** One counter of failed password logins: an account, an account from one address, or an address. */
@Entity('login_failures')
export class LoginFailure {
  @Column({ primary: true })
  subject: string;

  /** the normalised username the counter is about; null for a per-address counter */
  @Column({ type: 'varchar', nullable: true })
  account: string | null;

  @Column({ type: 'datetime' })
  windowStart: Date;

  @Column({ type: 'int' })
  count: number;
}

export const LOGIN_WINDOW_MS = 15 * 60 * 1000;

/**
 * Failures allowed per 15-minute window (from the first failure). The account-wide limit stops a
 * guesser who spreads over many addresses; it is larger than the per-address one so one attacker
 * cannot lock a clerk out alone as fast (the lock-out is the accepted price of it).
 */
export const LOGIN_LIMITS = { account: 10, accountAtAddress: 5, address: 30 } as const;

interface Bucket {
  subject: string;
  account: string | null;
  max: number;
}

/** A login attempt holding one slot in each of its counters until it is known to have succeeded. */
export interface LoginAttempt {
  account: string;
  buckets: Bucket[];
  /** Failures still allowed after this one, should it fail, before the tightest counter locks. */
  attemptsLeft: number;
}

/** Below this many attempts left, a wrong password says how many remain (before the lock-out). */
export const WARN_ATTEMPTS_LEFT = 3;

/**
 * Strict limits on failed password logins, kept in the database so every replica shares them. An
 * attempt takes its slot before the password is checked, with a guarded update per counter (only a
 * counter under its limit, or one whose window is over, moves), so concurrent guesses cannot slip
 * past the limit; a success gives the slots back and clears its account-and-address counter, so a
 * busy store's shared Wi-Fi is not locked out by its own staff.
 */
@Injectable()
export class LoginAttempts {
  constructor(private readonly tx: TransactionRunner) {}

  /** Takes the attempt's slots, or answers 429 with nothing counted. */
  async begin(normalizedUsername: string, ip: string, now = new Date()): Promise<LoginAttempt> {
    // Stored usernames are at most USERNAME_MAX long; a longer one can only ever fail.
    const account = normalizedUsername.slice(0, USERNAME_MAX);
    // Always in the same order (by subject), so concurrent attempts lock their rows without deadlocks.
    const buckets: Bucket[] = [
      { subject: `a:${account}`, account, max: LOGIN_LIMITS.account },
      { subject: `a:${account}|${ip}`, account, max: LOGIN_LIMITS.accountAtAddress },
      { subject: `ip:${ip}`, account: null, max: LOGIN_LIMITS.address },
    ];
    // The counters exist first, in a transaction of their own: on MySQL an INSERT IGNORE of an
    // existing row takes a shared lock, which the update would then have to upgrade (a deadlock
    // when attempts race).
    await this.tx.run((em) =>
      em
        .createQueryBuilder()
        .insert()
        .into(LoginFailure)
        .values(buckets.map((b) => ({ subject: b.subject, account: b.account, windowStart: now, count: 0 })))
        .orIgnore()
        .execute(),
    );
    return this.tx.run(async (em) => {
      for (const bucket of buckets) {
        // Throwing rolls back the slots already taken: a refused attempt counts nowhere.
        if (!(await this.takeSlot(em, bucket, now)))
          throw new DomainError('RATE_LIMITED', 429, '密码错误次数过多，请 15 分钟后再试');
      }
      const counters = await em.findBy(LoginFailure, { subject: In(buckets.map((b) => b.subject)) });
      const used = new Map(counters.map((c) => [c.subject, c.count]));
      const attemptsLeft = Math.min(...buckets.map((b) => b.max - (used.get(b.subject) ?? b.max)));
      return { account, buckets, attemptsLeft: Math.max(0, attemptsLeft) };
    });
  }

  /** The password was right: the attempt was no failure (rows in the same order as `begin`). */
  async succeeded(em: EntityManager, attempt: LoginAttempt): Promise<void> {
    for (const [i, { subject }] of attempt.buckets.entries()) {
      if (i === 1) {
        await em.delete(LoginFailure, { subject });
        continue;
      }
      await em
        .createQueryBuilder()
        .update(LoginFailure)
        .set({ count: () => 'count - 1' })
        .where('subject = :subject AND count > 0', { subject })
        .execute();
    }
  }

  /** An admin vouched for the account (new password): its own counters start again. */
  clearAccount(em: EntityManager, normalizedUsername: string): Promise<unknown> {
    return em.delete(LoginFailure, { account: normalizedUsername });
  }

  /** Drops counters whose window is over (they count nothing any more). */
  async purge(now = new Date()): Promise<number> {
    const result = await this.tx.run((em) =>
      em.delete(LoginFailure, { windowStart: LessThan(new Date(now.getTime() - LOGIN_WINDOW_MS)) }),
    );
    return result.affected ?? 0;
  }

  private async takeSlot(em: EntityManager, bucket: Bucket, now: Date): Promise<boolean> {
    // One statement: a window that is over starts again at 1. `count` is set before `window_start`
    // because MySQL evaluates SET left to right with the new values (SQLite uses the old ones).
    const expired = new Date(now.getTime() - LOGIN_WINDOW_MS);
    const result = await em
      .createQueryBuilder()
      .update(LoginFailure)
      .set({
        count: () => 'CASE WHEN window_start <= :expired THEN 1 ELSE count + 1 END',
        windowStart: () => 'CASE WHEN window_start <= :expired THEN :now ELSE window_start END',
      })
      .where('subject = :subject AND (window_start <= :expired OR count < :max)', {
        subject: bucket.subject,
        max: bucket.max,
      })
      .setParameters({ expired, now })
      .execute();
    return result.affected === 1;
  }
}
