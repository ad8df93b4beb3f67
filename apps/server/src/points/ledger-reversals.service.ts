import { Injectable } from '@nestjs/common';
import { lotExpiresAt, splitInProportion } from '@allycard/domain';
import { EntityManager, In, MoreThan, Not } from 'typeorm';
import { RetryableConflict } from '../common/transactions';
import type { Member } from '../members/member.entity';
import { MembersService } from '../members/members.service';
import { LedgerService, PointsSource, Posting } from './ledger.service';
import { consumeLots } from './point-lots';
import {
  AccountKind,
  ClawBackSourceType,
  EarnSourceType,
  GiveBackSourceType,
  PointsLot,
  PointsLotUse,
  PointsPosting,
  PointsSourceType,
  PointsTransaction,
  SpendSourceType,
} from './points.entities';

/**
 * Points leaving or coming back by what happened to their source: a refund's claw-back and give-back
 * (to the accounts that funded or were credited, found by the typed source), expiry and an account's
 * closure into breakage. Every change is a LedgerService posting, in the caller's transaction.
 */
@Injectable()
export class LedgerReversalsService {
  constructor(
    private readonly ledger: LedgerService,
    private readonly members: MembersService,
  ) {}

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
    const tx = await this.ledger.post(
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
    await consumeLots(em, member, tx.id, take, earned.transactionId);
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
    const tx = await this.ledger.post(
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
      const policy = await this.ledger.policy(member.allianceId, em);
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
    await this.ledger.post(
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
