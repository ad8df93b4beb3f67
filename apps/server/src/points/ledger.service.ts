import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { allocateSpend, DEFAULT_POINTS_POLICY, lotExpiresAt, PointsPolicy } from '@allycard/domain';
import { EntityManager, In, MoreThan, Not, Repository } from 'typeorm';
import { DomainError } from '../common/errors';
import { isUniqueViolation, RetryableConflict } from '../common/transactions';
import { PointsPosted } from '../events/domain-events';
import { EventBus } from '../events/event-bus';
import type { Member } from '../members/member.entity';
import { MembersService } from '../members/members.service';
import {
  AccountKind,
  ClawBackSourceType,
  EarnSourceType,
  GiveBackSourceType,
  PointsLot,
  PointsLotUse,
  PointsPolicyRow,
  PointsPosting,
  PointsSourceType,
  PointsTransaction,
  PointsTransactionKind,
  SpendSourceType,
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
  sourceType: PointsSourceType;
  sourceId: string;
  memberId: string | null;
  merchantId: string | null;
  postings: Posting[];
}

/** The business fact a transaction records; `merchantId` where it happened (null: alliance-wide). */
export interface PointsSource<T extends PointsSourceType> {
  type: T;
  id: string;
  merchantId: string | null;
}

/** The lot an earn of `points` at `at` makes, expiring by the alliance's policy. */
function newLot(
  member: Pick<Member, 'id' | 'allianceId'>,
  tx: Pick<PointsTransaction, 'id'>,
  merchantId: string | null,
  points: number,
  at: Date,
  policy: PointsPolicy,
) {
  return {
    allianceId: member.allianceId,
    memberId: member.id,
    transactionId: tx.id,
    merchantId,
    points,
    remaining: points,
    expiresAt: lotExpiresAt(at, policy.expiryMonths),
    createdAt: at,
  };
}

/** rows per statement in bulk work (well under SQLite's bound-parameter limit) */
const BULK_CHUNK = 250;

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
  constructor(
    @InjectRepository(PointsPolicyRow) private readonly policies: Repository<PointsPolicyRow>,
    private readonly members: MembersService,
    private readonly events: EventBus,
  ) {}

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
    let memberPoints = 0;
    for (const p of input.postings.filter((x) => x.accountKind === 'member')) {
      await this.members.movePoints(em, input.allianceId, p.ownerId, p.amount);
      memberPoints += p.amount;
    }
    await this.events.publish(em, new PointsPosted(tx, memberPoints));
    return tx;
  }

  /** Points earned by a member, funded by `funder` (a merchant's funding account or the alliance). */
  async earn(
    em: EntityManager,
    member: Member,
    points: number,
    source: PointsSource<EarnSourceType> & { kind: 'earn' | 'reward' },
    at = new Date(),
    /** parts of `points` other merchants fund (a promotion's sponsor); the rest as `source` says */
    sponsored: readonly { sponsorMerchantId: string | null; points: number }[] = [],
  ): Promise<PointsTransaction | null> {
    if (points <= 0) return null;
    const policy = await this.policy(member.allianceId, em);
    const bySponsor = new Map<string, number>();
    for (const s of sponsored)
      if (s.sponsorMerchantId && s.points > 0)
        bySponsor.set(s.sponsorMerchantId, (bySponsor.get(s.sponsorMerchantId) ?? 0) + s.points);
    const sponsoredPoints = [...bySponsor.values()].reduce((sum, p) => sum + p, 0);
    if (sponsoredPoints > points) throw new Error('sponsored points exceed the points earned');
    const own = points - sponsoredPoints;
    const funders: Posting[] = [];
    if (own > 0)
      funders.push(
        source.merchantId
          ? { accountKind: 'merchant_funding', ownerId: source.merchantId, amount: -own }
          : { accountKind: 'alliance', ownerId: '0', amount: -own },
      );
    for (const [merchantId, p] of bySponsor) {
      const same = funders.find((f) => f.accountKind === 'merchant_funding' && f.ownerId === merchantId);
      if (same) same.amount -= p;
      else funders.push({ accountKind: 'merchant_funding', ownerId: merchantId, amount: -p });
    }
    const tx = await this.post(
      em,
      {
        allianceId: member.allianceId,
        kind: source.kind,
        sourceType: source.type,
        sourceId: source.id,
        memberId: member.id,
        merchantId: source.merchantId,
        postings: [{ accountKind: 'member', ownerId: member.id, amount: points }, ...funders],
      },
      at,
    );
    await em.insert(PointsLot, newLot(member, tx, source.merchantId, points, at, policy));
    return tx;
  }

  /**
   * earn of the same `points` for many members at once, in the caller's transaction (a campaign's
   * batch): one transaction of two postings per member as earn makes, written by bulk inserts, the
   * members' balances moved by one update. `sourceId` is per member (unique with the source type, so
   * a batch posted twice fails on the key and rolls back whole). Answers the transactions by member id.
   */
  async earnBatch(
    em: EntityManager,
    grants: { member: Member; sourceId: string }[],
    points: number,
    source: { kind: 'earn' | 'reward'; type: EarnSourceType; merchantId: string | null },
    at = new Date(),
  ): Promise<Map<string, PointsTransaction>> {
    const out = new Map<string, PointsTransaction>();
    if (!grants.length || points <= 0) return out;
    if (!Number.isSafeInteger(points)) throw new Error('points must be an integer');
    const allianceId = grants[0].member.allianceId;
    if (grants.some((g) => g.member.allianceId !== allianceId)) throw new Error('earnBatch: one alliance');
    const policy = await this.policy(allianceId, em);
    const funder = source.merchantId
      ? { accountKind: 'merchant_funding' as const, ownerId: source.merchantId }
      : { accountKind: 'alliance' as const, ownerId: '0' };
    for (let i = 0; i < grants.length; i += BULK_CHUNK) {
      const chunk = grants.slice(i, i + BULK_CHUNK);
      try {
        await em
          .createQueryBuilder()
          .insert()
          .into(PointsTransaction)
          .values(
            chunk.map((g) => ({
              allianceId,
              kind: source.kind,
              sourceType: source.type,
              sourceId: g.sourceId,
              memberId: g.member.id,
              merchantId: source.merchantId,
              points,
              createdAt: at,
            })),
          )
          .updateEntity(false)
          .execute();
      } catch (error) {
        if (isUniqueViolation(error, 'source')) throw new AlreadyPosted(`${source.type}: a batch`);
        throw error;
      }
      const txs = await em.find(PointsTransaction, {
        where: { allianceId, sourceType: source.type, sourceId: In(chunk.map((g) => g.sourceId)) },
      });
      const bySource = new Map(txs.map((t) => [t.sourceId, t]));
      const posted = chunk.map((g) => ({ grant: g, tx: bySource.get(g.sourceId)! }));
      if (posted.some((p) => !p.tx)) throw new Error('earnBatch: a transaction was not written');
      await em.insert(
        PointsPosting,
        posted.flatMap(({ grant, tx }) => [
          {
            allianceId,
            transactionId: tx.id,
            accountKind: 'member' as const,
            ownerId: grant.member.id,
            amount: points,
            createdAt: at,
          },
          { allianceId, transactionId: tx.id, ...funder, amount: -points, createdAt: at },
        ]),
      );
      await this.members.addPointsToMany(
        em,
        allianceId,
        chunk.map((g) => g.member.id),
        points,
      );
      await em.insert(
        PointsLot,
        posted.map(({ grant, tx }) => newLot(grant.member, tx, source.merchantId, points, at, policy)),
      );
      for (const { grant, tx } of posted) {
        await this.events.publish(em, new PointsPosted(tx, points));
        out.set(grant.member.id, tx);
      }
    }
    return out;
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
    source: PointsSource<SpendSourceType>,
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
    await this.consumeLots(em, member, tx.id, points);
    return tx;
  }

  /**
   * An operator's adjustment, `points` non-zero, against the alliance's adjustment account: a credit
   * is a new lot, a debit takes lots earliest expiry first and never below 0 (409 INSUFFICIENT_POINTS,
   * from the balance guard). Answers the member's balance after it.
   */
  async adjust(
    em: EntityManager,
    member: Member,
    points: number,
    source: PointsSource<'adjustment'>,
    at = new Date(),
  ): Promise<number> {
    const tx = await this.post(
      em,
      {
        allianceId: member.allianceId,
        kind: 'adjustment',
        sourceType: source.type,
        sourceId: source.id,
        memberId: member.id,
        merchantId: null,
        postings: [
          { accountKind: 'member', ownerId: member.id, amount: points },
          { accountKind: 'alliance_adjustment', ownerId: '0', amount: -points },
        ],
      },
      at,
    );
    if (points < 0) await this.consumeLots(em, member, tx.id, -points);
    else {
      const policy = await this.policy(member.allianceId, em);
      await em.insert(PointsLot, {
        allianceId: member.allianceId,
        memberId: member.id,
        transactionId: tx.id,
        merchantId: null,
        points,
        remaining: points,
        expiresAt: lotExpiresAt(at, policy.expiryMonths),
        createdAt: at,
      });
    }
    return (await this.members.getIn(em, member.id)).points;
  }

  /**
   * Takes back up to `points` a member earned by `earnedBy` (a refund of the purchase that earned them,
   * a withdrawn referral), to the account that funded them: never more than the balance holds, so a
   * member who already spent them is not driven below zero. The lots of that earning go first.
   * Returns the points actually taken (0 when nothing was earned by it).
   */
  async clawBack(
    em: EntityManager,
    member: Member,
    points: number,
    earnedBy: { type: EarnSourceType; id: string },
    source: PointsSource<ClawBackSourceType>,
    at = new Date(),
  ): Promise<number> {
    const earned = await this.fundersOf(em, member.allianceId, earnedBy);
    const fresh = await this.members.getIn(em, member.id);
    const take = Math.min(points, fresh.points);
    if (!earned || take <= 0) return 0;
    // back to every account that funded the earning (a sponsor's share too), in proportion
    const credits = splitInProportion(
      take,
      earned.funders.map((f) => f.amount),
    ).map((amount, i) => ({
      accountKind: earned.funders[i].accountKind,
      ownerId: earned.funders[i].ownerId,
      amount,
    }));
    const tx = await this.post(
      em,
      {
        allianceId: member.allianceId,
        kind: 'reversal',
        sourceType: source.type,
        sourceId: source.id,
        memberId: member.id,
        merchantId: source.merchantId,
        postings: [
          { accountKind: 'member', ownerId: member.id, amount: -take },
          ...credits.filter((c) => c.amount > 0),
        ],
      },
      at,
    );
    await this.consumeLots(em, member, tx.id, take, earned.transactionId);
    return take;
  }

  /**
   * Gives back `points` of the spend on `spentOn` (an unpaid order closed, a refund; 0 when nothing was
   * spent on it): the member account is credited, the account the spend credited is debited, and the points come back as lots with the
   * expiry of the lots they were taken from (the latest first).
   */
  async returnSpent(
    em: EntityManager,
    member: Member,
    spentOn: { type: SpendSourceType; id: string },
    points: number,
    source: PointsSource<GiveBackSourceType>,
    at = new Date(),
  ): Promise<number> {
    const spend = points > 0 ? await this.postingAgainstMember(em, member.allianceId, spentOn) : null;
    if (!spend) return 0;
    const tx = await this.post(
      em,
      {
        allianceId: member.allianceId,
        kind: 'refund',
        sourceType: source.type,
        sourceId: source.id,
        memberId: member.id,
        merchantId: source.merchantId,
        postings: [
          { accountKind: 'member', ownerId: member.id, amount: points },
          { accountKind: spend.accountKind, ownerId: spend.ownerId, amount: -points },
        ],
      },
      at,
    );
    const uses = await em.find(PointsLotUse, { where: { transactionId: spend.transactionId } });
    const lots = uses.length ? await em.findBy(PointsLot, { id: In(uses.map((u) => u.lotId)) }) : [];
    const byExpiry = uses
      .map((u) => ({ use: u, expiresAt: lots.find((l) => l.id === u.lotId)?.expiresAt ?? at }))
      .sort((x, y) => y.expiresAt.getTime() - x.expiresAt.getTime());
    let left = points;
    for (const { use, expiresAt } of byExpiry) {
      if (left === 0) break;
      const back = Math.min(use.points, left);
      await em.insert(PointsLot, {
        allianceId: member.allianceId,
        memberId: member.id,
        transactionId: tx.id,
        merchantId: source.merchantId,
        points: back,
        remaining: back,
        expiresAt,
        createdAt: at,
      });
      left -= back;
    }
    if (left > 0) {
      const policy = await this.policy(member.allianceId, em);
      await em.insert(PointsLot, {
        allianceId: member.allianceId,
        memberId: member.id,
        transactionId: tx.id,
        merchantId: source.merchantId,
        points: left,
        remaining: left,
        expiresAt: lotExpiresAt(at, policy.expiryMonths),
        createdAt: at,
      });
    }
    return points;
  }

  /**
   * Takes `points` out of the member's lots, earliest expiry first (or the lots of `preferTxId` first).
   * Lots past their expiry that the job has not swept yet still count: the balance shows them.
   * The balance guard ran before: on MySQL its row lock serialises this member's debits, and the
   * locking read here sees the latest lots; each lot is then taken by a guarded update.
   */
  private async consumeLots(
    em: EntityManager,
    member: Member,
    txId: string,
    points: number,
    preferTxId?: string | null,
  ) {
    const lots = await em.find(PointsLot, {
      where: { memberId: member.id, remaining: MoreThan(0) },
      ...(em.connection.options.type === 'mysql' && { lock: { mode: 'pessimistic_write' as const } }),
    });
    const preferred = preferTxId ? lots.filter((l) => l.transactionId === preferTxId) : [];
    const rest = lots.filter((l) => !preferred.includes(l));
    const fromPreferred = preferred.length
      ? (allocateSpend(
          preferred,
          Math.min(
            points,
            preferred.reduce((s, l) => s + l.remaining, 0),
          ),
          new Date(0),
        ) ?? [])
      : [];
    const taken = fromPreferred.reduce((s, t) => s + t.points, 0);
    const fromRest = points - taken > 0 ? allocateSpend(rest, points - taken, new Date(0)) : [];
    if (!fromRest) throw new DomainError('INSUFFICIENT_POINTS', 409, '积分不足');
    for (const take of [...fromPreferred, ...fromRest]) {
      const result = await em
        .createQueryBuilder()
        .update(PointsLot)
        .set({ remaining: () => `remaining - ${take.points}` })
        .where('id = :id AND remaining >= :points', { id: take.lotId, points: take.points })
        .execute();
      if (result.affected !== 1) throw new RetryableConflict('a points lot changed during the debit');
      await em.insert(PointsLotUse, { transactionId: txId, lotId: take.lotId, points: take.points });
    }
  }

  /**
   * A closing account's points go to breakage, lot by lot like expiry (each lot's merchant stays on
   * its transaction, so settlement counts it as expiry does). The balance is 0 afterwards. The points.
   */
  async forfeitAll(em: EntityManager, member: Member, at: Date): Promise<number> {
    const lots = await em.findBy(PointsLot, { memberId: member.id, remaining: MoreThan(0) });
    let forfeited = 0;
    for (const lot of lots) {
      const taken = await em.update(PointsLot, { id: lot.id, remaining: lot.remaining }, { remaining: 0 });
      if (taken.affected !== 1) throw new RetryableConflict('a points lot changed during the closure');
      await this.lotToBreakage(em, lot, lot.remaining, 'account_closure', at);
      forfeited += lot.remaining;
    }
    return forfeited;
  }

  /** Expires what is left of one due lot into breakage; a second run finds nothing left (idempotent). */
  async expireLot(em: EntityManager, lot: PointsLot, at = new Date()): Promise<number> {
    const fresh = await em.findOneBy(PointsLot, { id: lot.id });
    if (!fresh || fresh.remaining <= 0 || fresh.expiresAt > at) return 0;
    const taken = await em.update(PointsLot, { id: lot.id, remaining: fresh.remaining }, { remaining: 0 });
    if (taken.affected !== 1) return 0;
    await this.lotToBreakage(em, lot, fresh.remaining, 'lot_expiry', at);
    return fresh.remaining;
  }

  /** What was left of a lot (already taken off it) leaves the member for breakage. */
  private async lotToBreakage(
    em: EntityManager,
    lot: PointsLot,
    points: number,
    sourceType: 'lot_expiry' | 'account_closure',
    at: Date,
  ): Promise<void> {
    await this.post(
      em,
      {
        allianceId: lot.allianceId,
        kind: 'expire',
        sourceType,
        sourceId: lot.id,
        memberId: lot.memberId,
        merchantId: lot.merchantId,
        postings: [
          { accountKind: 'member', ownerId: lot.memberId, amount: -points },
          { accountKind: 'breakage', ownerId: '0', amount: points },
        ],
      },
      at,
    );
  }

  /** The accounts that funded an earning (several when a sponsor funds a promotion's share), by size. */
  private async fundersOf(
    em: EntityManager,
    allianceId: string,
    source: { type: PointsSourceType; id: string },
  ): Promise<{ transactionId: string; funders: Posting[] } | null> {
    const tx = await em.findOneBy(PointsTransaction, {
      allianceId,
      sourceType: source.type,
      sourceId: source.id,
    });
    const others = tx
      ? await em.find(PointsPosting, {
          where: { transactionId: tx.id, accountKind: Not('member') },
          order: { id: 'ASC' },
        })
      : [];
    if (!tx || !others.length) return null;
    return {
      transactionId: tx.id,
      funders: others.map((p) => ({ accountKind: p.accountKind, ownerId: p.ownerId, amount: -p.amount })),
    };
  }

  /**
   * The other side of the transaction recorded for `source`: the account that funded an earning or
   * was credited by a spend. Null when there is none.
   */
  private async postingAgainstMember(
    em: EntityManager,
    allianceId: string,
    source: { type: PointsSourceType; id: string },
  ): Promise<{ transactionId: string; accountKind: AccountKind; ownerId: string } | null> {
    const tx = await em.findOneBy(PointsTransaction, {
      allianceId,
      sourceType: source.type,
      sourceId: source.id,
    });
    const other =
      tx && (await em.findOneBy(PointsPosting, { transactionId: tx.id, accountKind: Not('member') }));
    return other ? { transactionId: tx.id, accountKind: other.accountKind, ownerId: other.ownerId } : null;
  }
}

/**
 * `total` split in proportion to `weights` (positive), in whole points: floors first, the remainder
 * one by one to the largest fractions (ties: the earlier weight). The parts sum to `total`.
 */
export function splitInProportion(total: number, weights: readonly number[]): number[] {
  const sum = weights.reduce((s, w) => s + w, 0);
  if (sum <= 0) return weights.map((_, i) => (i === 0 ? total : 0));
  const exact = weights.map((w) => (total * w) / sum);
  const parts = exact.map(Math.floor);
  let left = total - parts.reduce((s, p) => s + p, 0);
  const order = exact
    .map((e, i) => ({ i, frac: e - Math.floor(e) }))
    .sort((a, b) => b.frac - a.frac || a.i - b.i);
  for (const { i } of order) {
    if (left <= 0) break;
    parts[i]++;
    left--;
  }
  return parts;
}
