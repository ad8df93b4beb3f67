import { Injectable, Logger } from '@nestjs/common';
import { couponValidity, templateIssueProblem } from '@allycard/domain';
import { EntityManager, In } from 'typeorm';
import { AlliancesService } from '../alliances/alliances.service';
import { RetryableConflict } from '../common/transactions';
import { CouponClaimed } from '../events/domain-events';
import { EventBus } from '../events/event-bus';
import type { Member } from '../members/member.entity';
import { claimRefusal } from './coupon-eligibility';
import { CouponTemplate } from './coupon-template.entity';
import { CouponTemplatesService } from './coupon-templates.service';
import { CouponRow, CouponSource } from './coupon.entity';

/** Why issueWithinLimit / issueBatch gave a member nothing. */
export type IssueRefusal = 'unavailable' | 'limit_reached' | 'out_of_stock';

/** rows per statement in bulk work (well under SQLite's bound-parameter limit) */
const BULK_CHUNK = 500;

/** A new, available coupon of `template` for `member`, as claimed or issued at `now`. */
function newCoupon(
  template: CouponTemplate,
  member: Pick<Member, 'id' | 'allianceId'>,
  source: CouponSource,
  claimSeq: number | null,
  now: Date,
) {
  const { validFrom, validUntil } = couponValidity(template, now);
  return {
    allianceId: member.allianceId,
    templateId: template.id,
    memberId: member.id,
    claimedByMemberId: member.id,
    claimSeq,
    source,
    status: 'available' as const,
    validFrom,
    validUntil,
    receivedFromMemberId: null,
    usedAt: null,
    usedMerchantId: null,
    redemptionId: null,
    orderId: null,
    createdAt: now,
    updatedAt: now,
  };
}

/**
 * Putting coupons into members' wallets, always in the caller's transaction: a claim's slot, join
 * gifts, rewards and mall exchanges (issue), campaigns (issueWithinLimit, issueBatch). Stock moves
 * only by the guarded updates here; every new coupon is announced (CouponClaimed).
 */
@Injectable()
export class CouponIssuingService {
  private readonly logger = new Logger(CouponIssuingService.name);

  constructor(
    private readonly templates: CouponTemplatesService,
    private readonly alliances: AlliancesService,
    private readonly events: EventBus,
  ) {}

  /**
   * Issues a coupon of `template` to `member` in the caller's transaction, outside the claim limit
   * (join gifts, referral rewards, mall exchanges). Null when the template is out of stock.
   */
  async issue(
    em: EntityManager,
    template: CouponTemplate,
    member: Member,
    source: CouponSource,
  ): Promise<CouponRow | null> {
    // a template whose fixed validity is over issues nothing (takeStock guards status and stock)
    if (templateIssueProblem(template, new Date()) === 'expired') return null;
    if (!(await this.takeStock(em, template.id))) return null;
    return this.insertCoupon(em, template, member, source, null);
  }

  /** The join gifts of a member who just joined, in the join transaction. */
  async issueJoinGifts(em: EntityManager, member: Member): Promise<void> {
    const gifts = await this.templates.active(member.allianceId, { joinGift: true }, em);
    const tiers = await this.alliances.tiers(member.allianceId, em);
    for (const view of gifts) {
      if (claimRefusal(view.template, member, tiers)) continue;
      if (!(await this.issue(em, view.template, member, 'join_gift')))
        this.logger.warn(`join gift template ${view.template.id} is out of stock`);
    }
  }

  /**
   * Issues a coupon of `template` to `member` in the caller's transaction within the template's
   * per-member limit, as a claim would (campaigns): the coupon takes the member's next claim slot,
   * so a claim racing it collides on the unique key and one of them loses (the caller retries).
   * Answers why nothing was issued instead of throwing.
   */
  async issueWithinLimit(
    em: EntityManager,
    template: CouponTemplate,
    member: Member,
    source: CouponSource,
    at = new Date(),
  ): Promise<CouponRow | IssueRefusal> {
    const current = await em.findOneBy(CouponTemplate, { id: template.id });
    if (!current || current.status !== 'active' || templateIssueProblem(current, at) === 'expired')
      return 'unavailable';
    const held = await em.countBy(CouponRow, { templateId: template.id, claimedByMemberId: member.id });
    if (held >= current.perMemberLimit) return 'limit_reached';
    if (!(await this.takeStock(em, template.id))) return 'out_of_stock';
    return this.insertCoupon(em, current, member, source, held + 1);
  }

  /**
   * issueWithinLimit for many members at once, in the caller's transaction (a campaign's batch), in
   * set-based statements: one grouped count of what they hold, one locked read and one guarded update
   * of the template's stock for the whole batch, bulk inserts of the coupons. Each coupon takes its
   * member's next claim slot, so a claim racing the batch collides on the unique key and the whole
   * transaction fails (the caller retries those targets one by one). When the stock cannot cover all,
   * the first members in the given order get one. Answers, per member id, the coupon or why none.
   */
  async issueBatch(
    em: EntityManager,
    template: CouponTemplate,
    members: Member[],
    source: CouponSource,
    at = new Date(),
  ): Promise<Map<string, CouponRow | IssueRefusal>> {
    const outcome = new Map<string, CouponRow | IssueRefusal>();
    if (new Set(members.map((m) => m.id)).size !== members.length)
      throw new Error('issueBatch: a member appears twice');
    if (!members.length) return outcome;
    const current = await this.lockTemplate(em, template.id);
    if (!current || current.status !== 'active' || templateIssueProblem(current, at) === 'expired') {
      for (const m of members) outcome.set(m.id, 'unavailable');
      return outcome;
    }
    const held = new Map<string, number>();
    for (let i = 0; i < members.length; i += BULK_CHUNK) {
      const counts = await em
        .createQueryBuilder(CouponRow, 'c')
        .select('c.claimed_by_member_id', 'memberId')
        .addSelect('COUNT(*)', 'n')
        .where('c.template_id = :templateId AND c.claimed_by_member_id IN (:...ids)', {
          templateId: current.id,
          ids: members.slice(i, i + BULK_CHUNK).map((m) => m.id),
        })
        .groupBy('c.claimed_by_member_id')
        .getRawMany<{ memberId: string | number; n: string | number }>();
      for (const r of counts) held.set(String(r.memberId), Number(r.n));
    }
    const eligible: Member[] = [];
    for (const m of members) {
      if ((held.get(m.id) ?? 0) >= current.perMemberLimit) outcome.set(m.id, 'limit_reached');
      else eligible.push(m);
    }
    // the template row is locked (MySQL) since lockTemplate: its stock is current and stays ours
    const take = Math.max(0, Math.min(eligible.length, current.stock - current.issued));
    if (take > 0) {
      const taken = await em
        .createQueryBuilder()
        .update(CouponTemplate)
        .set({ issued: () => `issued + ${take}` })
        .where("id = :id AND issued + :take <= stock AND status = 'active'", { id: current.id, take })
        .execute();
      if (taken.affected !== 1) throw new RetryableConflict(`stock of template ${current.id} moved`);
    }
    const lucky = eligible.slice(0, take);
    for (const m of eligible.slice(take)) outcome.set(m.id, 'out_of_stock');
    const now = new Date();
    for (let i = 0; i < lucky.length; i += BULK_CHUNK) {
      const chunk = lucky.slice(i, i + BULK_CHUNK);
      await em
        .createQueryBuilder()
        .insert()
        .into(CouponRow)
        .values(chunk.map((m) => newCoupon(current, m, source, (held.get(m.id) ?? 0) + 1, now)))
        .updateEntity(false)
        .execute();
      const rows = await em.find(CouponRow, {
        where: { templateId: current.id, claimedByMemberId: In(chunk.map((m) => m.id)), source },
      });
      for (const row of rows)
        if (row.claimSeq === (held.get(row.claimedByMemberId) ?? 0) + 1)
          outcome.set(row.claimedByMemberId, row);
    }
    for (const m of lucky) {
      const coupon = outcome.get(m.id);
      if (!coupon || typeof coupon === 'string')
        throw new Error(`issueBatch: coupon of member ${m.id} not found`);
      await this.events.publish(em, new CouponClaimed(coupon, source));
    }
    return outcome;
  }

  /** The template as it is now, its row locked until the transaction ends (MySQL; SQLite has one writer). */
  private async lockTemplate(em: EntityManager, templateId: string): Promise<CouponTemplate | null> {
    const qb = em.createQueryBuilder(CouponTemplate, 't').where('t.id = :id', { id: templateId });
    return em.connection.options.type === 'better-sqlite3'
      ? qb.getOne()
      : qb.setLock('pessimistic_write').getOne();
  }

  /** `issued = issued + 1` only while below stock and active: the stock invariant in one statement. */
  async takeStock(em: EntityManager, templateId: string): Promise<boolean> {
    const result = await em
      .createQueryBuilder()
      .update(CouponTemplate)
      .set({ issued: () => 'issued + 1' })
      .where("id = :id AND issued < stock AND status = 'active'", { id: templateId })
      .execute();
    return result.affected === 1;
  }

  /** A new coupon of `template` for `member` (its stock already taken), announced. */
  async insertCoupon(
    em: EntityManager,
    template: CouponTemplate,
    member: Member,
    source: CouponSource,
    claimSeq: number | null,
  ): Promise<CouponRow> {
    const coupon = await em.save(
      em.create(CouponRow, newCoupon(template, member, source, claimSeq, new Date())),
    );
    await this.events.publish(em, new CouponClaimed(coupon, source));
    return coupon;
  }
}
