import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Coupon, CouponStatus, Offer } from '@allycard/contracts';
import {
  couponValidity,
  describeCoupon,
  effectiveCouponStatus,
  templateIssueProblem,
} from '@allycard/domain';
import { EntityManager, In, LessThanOrEqual, Repository } from 'typeorm';
import { AlliancesService } from '../alliances/alliances.service';
import { Principal } from '../common/auth';
import { DomainError, notFound } from '../common/errors';
import { rememberResult } from '../common/idempotency';
import { readStoredTime } from '../database/columns';
import { isUniqueViolation, RetryableConflict, TransactionRunner } from '../common/transactions';
import type { Member } from '../members/member.entity';
import { MembersService } from '../members/members.service';
import { CouponClaimed } from '../events/domain-events';
import { EventBus } from '../events/event-bus';
import { CouponTemplate } from './coupon-template.entity';
import { CouponRow, CouponSource } from './coupon.entity';
import { CouponTemplatesService, TemplateView } from './coupon-templates.service';
import { isId } from '../common/ids';

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

/** Coupon instances: claiming, issuing, the member's wallet. */
@Injectable()
export class CouponsService implements OnModuleInit {
  private readonly logger = new Logger(CouponsService.name);

  constructor(
    @InjectRepository(CouponRow) private readonly coupons: Repository<CouponRow>,
    private readonly templates: CouponTemplatesService,
    private readonly members: MembersService,
    private readonly alliances: AlliancesService,
    private readonly tx: TransactionRunner,
    private readonly events: EventBus,
  ) {}

  onModuleInit() {
    this.members.countCouponsWith((member) => this.countAvailable(member));
  }

  /** Templates this member may claim now, with what is left and how many the member already has. */
  async offers(who: Principal): Promise<Offer[]> {
    const member = await this.members.get(who);
    const tiers = await this.alliances.tiers(who.allianceId);
    const views = (await this.templates.active(who.allianceId, { joinGift: false })).filter(
      (v) => v.template.channel === 'centre' && this.ineligibility(v.template, member, tiers) === null,
    );
    const mine = views.length
      ? await this.coupons
          .createQueryBuilder('c')
          .select('c.template_id', 'templateId')
          .addSelect('COUNT(*)', 'n')
          .where('c.claimed_by_member_id = :member AND c.template_id IN (:...ids)', {
            member: member.id,
            ids: views.map((v) => v.template.id),
          })
          .groupBy('c.template_id')
          .getRawMany<{ templateId: string; n: string }>()
      : [];
    const claimed = new Map(mine.map((r) => [String(r.templateId), Number(r.n)]));
    return views.map((view) => toOffer(view, claimed.get(view.template.id) ?? 0));
  }

  /**
   * 领券中心 for a visitor who has not joined yet (browsing before joining): what a newcomer of this
   * alliance could claim right after joining, judged as a member of the base tier with no purchase.
   */
  async offersForNewcomer(allianceId: string): Promise<Offer[]> {
    const newcomer = await this.newcomer(allianceId);
    const views = (await this.templates.active(allianceId, { joinGift: false })).filter(
      (v) =>
        v.template.channel === 'centre' && this.ineligibility(v.template, newcomer, newcomer.tiers) === null,
    );
    return views.map((view) => toOffer(view, 0));
  }

  /**
   * What joining this alliance gives a newcomer now, for the join page to name before anyone joins:
   * the join gifts that would issue (active, in stock, not expired, open to the base tier).
   */
  async joinGiftPreview(allianceId: string): Promise<Offer[]> {
    const now = new Date();
    const newcomer = await this.newcomer(allianceId);
    const views = (await this.templates.active(allianceId, { joinGift: true })).filter(
      ({ template: t }) =>
        templateIssueProblem(t, now) === null && this.ineligibility(t, newcomer, newcomer.tiers) === null,
    );
    return views.map((view) => toOffer(view, 0));
  }

  /** A member as joining makes one: the base tier, no purchase yet. */
  private async newcomer(allianceId: string) {
    const tiers = await this.alliances.tiers(allianceId);
    const base = [...tiers].sort((a, b) => a.minSpendFen - b.minSpendFen)[0];
    return { tierCode: base?.code ?? '', firstPurchaseAt: null, tiers };
  }

  /**
   * Claims one coupon. Stock: a guarded `issued < stock` update. Per-member limit: the claim takes
   * slot n = (claims so far + 1) under a unique key (template, member, n); two racing claims for the
   * same slot collide and the loser retries for the next slot, until n exceeds the limit.
   */
  async claim(who: Principal, templateId: string): Promise<Coupon> {
    const member = await this.members.get(who);
    const view = await this.templates.find(who.allianceId, templateId);
    // join gifts and issue-only templates (rewards, mall coupons) are not for claiming
    if (!view || view.template.joinGift || view.template.channel !== 'centre') throw notFound('优惠券');
    const refusal = this.ineligibility(view.template, member, await this.alliances.tiers(who.allianceId));
    if (refusal) throw refusal;

    for (let attempt = 0; attempt < view.template.perMemberLimit + 3; attempt++) {
      const claimedSoFar = await this.coupons.countBy({
        templateId: view.template.id,
        claimedByMemberId: member.id,
      });
      if (claimedSoFar >= view.template.perMemberLimit) {
        throw new DomainError('LIMIT_REACHED', 409, `每人限领 ${view.template.perMemberLimit} 张，你已领完`);
      }
      try {
        const coupon = await this.tx.run(async (em) => {
          await this.members.holdOpen(em, who.allianceId, member.id, new Date());
          if (!(await this.takeStock(em, view.template.id)))
            throw new DomainError('OUT_OF_STOCK', 409, '来晚了，券已抢光');
          const claimed = await this.insertCoupon(em, view.template, member, 'claim', claimedSoFar + 1);
          await rememberResult(em, 'claim', claimed.id);
          return claimed;
        });
        return this.toDto(coupon, view);
      } catch (error) {
        if (isUniqueViolation(error, 'claim_seq')) continue;
        throw error;
      }
    }
    throw new DomainError('CONFLICT', 409, '领取繁忙，请重试');
  }

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
      if (this.ineligibility(view.template, member, tiers)) continue;
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

  /** The coupons a member's join issued, in the order they were issued. */
  async joinGifts(allianceId: string, memberId: string): Promise<Coupon[]> {
    const rows = await this.coupons.find({
      where: { allianceId, claimedByMemberId: memberId, source: 'join_gift' },
      order: { id: 'ASC' },
    });
    const views = await this.templates.byIds(
      allianceId,
      rows.map((r) => r.templateId),
    );
    return rows.map((r) => this.toDto(r, views.get(r.templateId)!));
  }

  /** `issued = issued + 1` only while below stock and active: the stock invariant in one statement. */
  private async takeStock(em: EntityManager, templateId: string): Promise<boolean> {
    const result = await em
      .createQueryBuilder()
      .update(CouponTemplate)
      .set({ issued: () => 'issued + 1' })
      .where("id = :id AND issued < stock AND status = 'active'", { id: templateId })
      .execute();
    return result.affected === 1;
  }

  private async insertCoupon(
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

  /** Why this member may not claim the template now (null: may). */
  private ineligibility(
    t: CouponTemplate,
    member: Pick<Member, 'tierCode' | 'firstPurchaseAt'>,
    tiers: { code: string; minSpendFen: number }[],
  ): DomainError | null {
    if (t.status !== 'active') return new DomainError('NOT_ELIGIBLE', 422, '该券已暂停领取');
    if (t.validUntil && t.validUntil <= new Date()) return new DomainError('NOT_ELIGIBLE', 422, '该券已过期');
    if (t.audience === 'new_members' && member.firstPurchaseAt)
      return new DomainError('NOT_ELIGIBLE', 422, '该券仅限新会员领取');
    if (!meetsTier(tiers, member.tierCode, t.minTierCode))
      return new DomainError('NOT_ELIGIBLE', 422, '会员等级不足，暂不能领取');
    return null;
  }

  /** The member's coupons, newest first, with past-due ones read as expired at once. */
  async wallet(who: Principal, status?: CouponStatus): Promise<Coupon[]> {
    const member = await this.members.get(who);
    const rows = await this.coupons.find({
      where: { allianceId: who.allianceId, memberId: member.id },
      order: { id: 'DESC' },
    });
    const all = await this.toDtos(who.allianceId, rows);
    return status ? all.filter((c) => c.status === status) : all;
  }

  /** Coupons of the alliance by id, whoever holds them now (for the sender's 已赠送 list). */
  async describe(allianceId: string, couponIds: string[]) {
    const dtos = await this.toDtos(allianceId, await this.byIds(allianceId, couponIds));
    return new Map(dtos.map((c) => [c.id, c]));
  }

  private async toDtos(allianceId: string, rows: CouponRow[]) {
    const views = await this.templates.byIds(
      allianceId,
      rows.map((r) => r.templateId),
    );
    return rows.map((r) => this.toDto(r, views.get(r.templateId)!));
  }

  /** A coupon the member owns (another member's id reads as not found). */
  async getOwned(who: Principal, couponId: string): Promise<{ row: CouponRow; view: TemplateView }> {
    const row = isId(couponId)
      ? await this.coupons.findOneBy({ id: couponId, allianceId: who.allianceId, memberId: who.id })
      : null;
    if (!row) throw notFound('优惠券');
    const view = (await this.templates.byIds(who.allianceId, [row.templateId])).get(row.templateId)!;
    return { row, view };
  }

  async get(allianceId: string, couponId: string): Promise<{ row: CouponRow; view: TemplateView } | null> {
    const row = isId(couponId) ? await this.coupons.findOneBy({ id: couponId, allianceId }) : null;
    if (!row) return null;
    return { row, view: (await this.templates.byIds(allianceId, [row.templateId])).get(row.templateId)! };
  }

  /** Available coupons of a member usable at a merchant (what the clerk sees after scanning). */
  async usableAt(member: Member, merchantId: string): Promise<Coupon[]> {
    return (await this.usableNow(member)).filter(
      (c) => c.usableAt === 'alliance' || c.merchantIds.includes(merchantId),
    );
  }

  /** Available coupons of a member usable now, somewhere (each says where: usableAt, merchantIds). */
  async usableNow(member: Member) {
    const now = new Date();
    const rows = await this.coupons.find({
      where: { allianceId: member.allianceId, memberId: member.id, status: 'available' },
      order: { validUntil: 'ASC' },
    });
    const views = await this.templates.byIds(
      member.allianceId,
      rows.map((r) => r.templateId),
    );
    return (
      rows
        .filter((r) => r.validFrom <= now && r.validUntil > now)
        .map((r) => this.toDto(r, views.get(r.templateId)!))
        // A first-order coupon of a member who already bought can no longer be used anywhere.
        .filter((c) => !(c.firstOrderOnly && member.firstPurchaseAt))
    );
  }

  private async countAvailable(member: Member): Promise<number> {
    return this.coupons
      .createQueryBuilder('c')
      .where("c.member_id = :member AND c.status = 'available' AND c.valid_until > :now", {
        member: member.id,
        now: new Date(),
      })
      .getCount();
  }

  /** Settles the coupons whose validity ended (the wallet already shows them as expired). */
  async expireDue(now = new Date()): Promise<number> {
    const result = await this.tx.run((em) =>
      em.update(
        CouponRow,
        { status: 'available', validUntil: LessThanOrEqual(now) },
        { status: 'expired', updatedAt: now },
      ),
    );
    return result.affected ?? 0;
  }

  /**
   * Available coupons whose validity ends in (from, to], after `afterId` in id order, with their title:
   * the subscribe-message reminder (messages/) reads them in batches.
   */
  async expiringBetween(
    from: Date,
    to: Date,
    afterId: string,
    take: number,
  ): Promise<{ id: string; allianceId: string; memberId: string; title: string; validUntil: Date }[]> {
    const rows = await this.coupons
      .createQueryBuilder('c')
      .innerJoin(CouponTemplate, 't', 't.id = c.template_id')
      .select('c.id', 'id')
      .addSelect('c.alliance_id', 'allianceId')
      .addSelect('c.member_id', 'memberId')
      .addSelect('t.title', 'title')
      .addSelect('c.valid_until', 'validUntil')
      .where("c.status = 'available' AND c.valid_until > :from AND c.valid_until <= :to AND c.id > :after", {
        from,
        to,
        after: Number(afterId),
      })
      .orderBy('c.id', 'ASC')
      .limit(take)
      .getRawMany<{
        id: unknown;
        allianceId: unknown;
        memberId: unknown;
        title: string;
        validUntil: Date | string;
      }>();
    return rows.map((r) => ({
      id: String(r.id),
      allianceId: String(r.allianceId),
      memberId: String(r.memberId),
      title: r.title,
      validUntil: readStoredTime(r.validUntil),
    }));
  }

  toDto(
    row: CouponRow,
    view: TemplateView,
  ): Coupon & { description: string; maxDiscountFen: number | null; receivedFrom: string | null } {
    const t = view.template;
    return {
      id: row.id,
      templateId: row.templateId,
      ...termsOf(t),
      status: effectiveCouponStatus(row.status, row.validUntil, new Date()),
      validFrom: row.validFrom.toISOString(),
      validUntil: row.validUntil.toISOString(),
      usableAt: t.usableAt,
      merchantIds: view.merchantIds,
      firstOrderOnly: t.firstOrderOnly,
      // A received coupon is not forwarded again: one hop keeps referral attribution honest.
      forwardable: t.forwardable && row.receivedFromMemberId === null,
      receivedFrom: row.receivedFromMemberId,
    };
  }

  byIds(allianceId: string, ids: string[]) {
    return ids.length ? this.coupons.findBy({ allianceId, id: In(ids) }) : Promise.resolve([]);
  }
}

/** What a coupon of this template is worth and on what condition, as every coupon view shows it. */
function termsOf(t: CouponTemplate) {
  return {
    title: t.title,
    description: t.description ?? describeCoupon(t),
    kind: t.kind,
    valueFen: t.valueFen,
    discountPermille: t.discountPermille,
    maxDiscountFen: t.maxDiscountFen,
    thresholdFen: t.thresholdFen,
  };
}

/** A template as 领券中心 and the join page show it. */
function toOffer({ template: t, merchantIds }: TemplateView, claimedByMe: number): Offer {
  return {
    id: t.id,
    ...termsOf(t),
    usableAt: t.usableAt,
    merchantIds,
    validDays: t.validDays,
    validFrom: t.validFrom?.toISOString() ?? null,
    validUntil: t.validUntil?.toISOString() ?? null,
    firstOrderOnly: t.firstOrderOnly,
    forwardable: t.forwardable,
    perMemberLimit: t.perMemberLimit,
    remaining: Math.max(0, t.stock - t.issued),
    claimedByMe,
  };
}

function meetsTier(
  tiers: { code: string; minSpendFen: number }[],
  memberTier: string,
  minTier: string | null,
): boolean {
  if (!minTier) return true;
  const rank = (code: string) => tiers.find((t) => t.code === code)?.minSpendFen ?? -1;
  return rank(memberTier) >= rank(minTier);
}
