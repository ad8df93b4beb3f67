import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Coupon, CouponStatus } from '@allycard/contracts';
import { describeCoupon, effectiveCouponStatus } from '@allycard/domain';
import { In, LessThanOrEqual, Repository } from 'typeorm';
import { AlliancesService } from '../alliances/alliances.service';
import { Principal } from '../common/auth';
import { DomainError, notFound } from '../common/errors';
import { rememberResult } from '../common/idempotency';
import { readStoredTime } from '../database/columns';
import { isUniqueViolation, TransactionRunner } from '../common/transactions';
import type { Member } from '../members/member.entity';
import { MembersService } from '../members/members.service';
import { MemberProfileService } from '../members/member-profile.service';
import { CouponTemplate } from './coupon-template.entity';
import { claimRefusal } from './coupon-eligibility';
import { CouponIssuingService } from './coupon-issuing.service';
import { CouponRow } from './coupon.entity';
import { CouponTemplatesService, TemplateView } from './coupon-templates.service';
import { isId } from '../common/ids';

/** Coupon instances as members meet them: 领券中心's offers, claiming, the wallet, the views. */
@Injectable()
export class CouponsService implements OnModuleInit {
  private readonly logger = new Logger(CouponsService.name);

  constructor(
    @InjectRepository(CouponRow) private readonly coupons: Repository<CouponRow>,
    private readonly templates: CouponTemplatesService,
    private readonly issuing: CouponIssuingService,
    private readonly members: MembersService,
    private readonly profiles: MemberProfileService,
    private readonly alliances: AlliancesService,
    private readonly tx: TransactionRunner,
  ) {}

  onModuleInit() {
    this.profiles.countCouponsWith((member) => this.countAvailable(member));
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
    // the ladder only matters to a template with a minimum tier
    const tiers = view.template.minTierCode ? await this.alliances.tiers(who.allianceId) : [];
    const refusal = claimRefusal(view.template, member, tiers);
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
          if (!(await this.issuing.takeStock(em, view.template.id)))
            throw new DomainError('OUT_OF_STOCK', 409, '来晚了，券已抢光');
          const claimed = await this.issuing.insertCoupon(
            em,
            view.template,
            member,
            'claim',
            claimedSoFar + 1,
          );
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
export function termsOf(t: CouponTemplate) {
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
