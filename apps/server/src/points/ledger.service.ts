import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DEFAULT_POINTS_POLICY, earnFunders, PointsPolicy } from '@allycard/domain';
import { EntityManager, In, Repository } from 'typeorm';
import { isUniqueViolation, readOnce } from '../common/transactions';
import { PointsPosted } from '../events/domain-events';
import { consumeLots, newLot } from './point-lots';
import { EventBus } from '../events/event-bus';
import type { Member } from '../members/member.entity';
import { MembersService } from '../members/members.service';
import { MemberStandingService } from '../members/member-standing.service';
import {
  AccountKind,
  EarnSourceType,
  PointsLot,
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
    private readonly standing: MemberStandingService,
    private readonly events: EventBus,
  ) {}

  async policy(allianceId: string, em?: EntityManager): Promise<PointsPolicy> {
    const row = await readOnce(em, policyKey(allianceId), () =>
      (em ? em.getRepository(PointsPolicyRow) : this.policies).findOneBy({ allianceId }),
    );
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
      await this.standing.movePoints(em, input.allianceId, p.ownerId, p.amount);
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
    const funders: Posting[] = earnFunders(points, source.merchantId, sponsored);
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
      await this.standing.addPointsToMany(
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
    await consumeLots(em, member, tx.id, points);
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
    if (points < 0) await consumeLots(em, member, tx.id, -points);
    else {
      const policy = await this.policy(member.allianceId, em);
      await em.insert(PointsLot, newLot(member, tx, null, points, at, policy));
    }
    return (await this.members.getIn(em, member.id)).points;
  }
}

/** The key of an alliance's points policy among a transaction's reads (readOnce). */
export const policyKey = (allianceId: string) => `points-policy:${allianceId}`;
