import { Injectable } from '@nestjs/common';
import {
  businessDate,
  counterPaidFen,
  couponDiscountFen,
  couponUseRefusal,
  memberDayDiscountFor,
  memberDayDiscountText,
  priceCounterBill,
} from '@allycard/domain';
import { EntityManager, IsNull } from 'typeorm';
import { AlliancesService } from '../alliances/alliances.service';
import { ApprovalRequired, StaffLimitsService } from '../alliances/staff-limits.service';
import { BenefitRulesService } from '../benefits/benefit-rules';
import { Principal } from '../common/auth';
import { DomainError, notFound, validationFailed } from '../common/errors';
import { rememberResult } from '../common/idempotency';
import { TransactionRunner } from '../common/transactions';
import { CouponUsageService } from '../coupons/coupon-usage.service';
import { CouponsService } from '../coupons/coupons.service';
import { CounterPurchaseRecorded } from '../events/domain-events';
import { EventBus } from '../events/event-bus';
import type { Member } from '../members/member.entity';
import { MembersService } from '../members/members.service';
import { invalidMemberCode, MemberCodesService } from '../members/member-codes.service';
import { Clock } from '../common/clock';
import { PurchasesService } from '../points/purchases.service';
import { SettlementEntriesService } from '../settlement/settlement-entries.service';
import { CounterDailyTotal } from './counter-daily-total.entity';
import { Redemption } from './redemption.entity';

/** What the clerk does at the counter after scanning a member's code. */
@Injectable()
export class CounterService {
  constructor(
    private readonly members: MembersService,
    private readonly memberCodes: MemberCodesService,
    private readonly coupons: CouponsService,
    private readonly purchases: PurchasesService,
    private readonly limits: StaffLimitsService,
    private readonly settlement: SettlementEntriesService,
    private readonly tx: TransactionRunner,
    private readonly couponUsage: CouponUsageService,
    private readonly clock: Clock,
    private readonly events: EventBus,
    private readonly alliances: AlliancesService,
    private readonly benefitRules: BenefitRulesService,
  ) {}

  /** How many counter purchases the member made (any redemption not voided is one). */
  countPurchases(em: EntityManager, memberId: string): Promise<number> {
    return em.countBy(Redemption, { memberId, voidedAt: IsNull() });
  }

  async lookup(staff: Principal, memberCode: string) {
    const member = await this.memberCodes.lookupByCode(staff, memberCode);
    const memberDay = await this.memberDayDiscount(member, staff.merchantId!, this.clock.now());
    return {
      member: await this.members.toDto(member),
      coupons: await this.coupons.usableAt(member, staff.merchantId!),
      memberDayDiscount: memberDay && { ...memberDay, text: memberDayDiscountText(memberDay) },
    };
  }

  /**
   * The member day's extra discount this member gets at this merchant at `at` (the day, the tier, the
   * merchants it names), as the pay page prices it; null on other days or when it is not for them.
   */
  private async memberDayDiscount(member: Member, merchantId: string, at: Date) {
    const { memberDay } = await this.benefitRules.earningRules(member.allianceId, at);
    if (!memberDay) return null;
    const tiers = await this.alliances.tiers(member.allianceId);
    return memberDayDiscountFor({ memberDay, tiers, tierCode: member.tierCode, merchantId, at });
  }

  /**
   * Redeems a coupon and/or records a purchase, in one transaction. The coupon is used by a guarded
   * update (`status = 'available'`) plus a unique key on redemptions.coupon_id, so five clerks
   * scanning one coupon make one redemption; a first-order coupon also needs this purchase to win the
   * guarded "first purchase" update. A clerk's purchase must fit the staff limits: one purchase, and the
   * member's business-day total at this merchant (a guarded update in the same transaction); beyond
   * them a merchant admin records it.
   */
  async redeem(staff: Principal, input: { memberCode: string; couponId?: string; amountFen?: number }) {
    if (!input.couponId && !input.amountFen) {
      throw validationFailed(
        [{ field: 'couponId', message: 'give couponId and/or amountFen' }],
        '请选择要核销的券或输入消费金额',
      );
    }
    const member = await this.memberCodes.lookupByCode(staff, input.memberCode);
    const merchantId = staff.merchantId!;
    const coupon = input.couponId ? await this.coupons.get(staff.allianceId, input.couponId) : null;
    if (input.couponId && (!coupon || coupon.row.memberId !== member.id)) throw notFound('优惠券');
    // Stamps and coupon validity follow the system time, as the coupons module issues them; the
    // injected clock decides the day whose member day and promotions apply (tests move it).
    const now = new Date();
    const benefitsAt = this.clock.now();
    const amountFen = input.amountFen ?? 0;
    const limits = amountFen > 0 ? await this.limits.checkCounterPurchase(staff, amountFen, member.id) : null;
    // A typed amount is priced by packages/domain's counter rule: the member day's extra discount
    // first (as the pay page's), then the coupon on what it leaves; the clerk's page shows the same.
    const bill =
      amountFen > 0
        ? priceCounterBill(
            amountFen,
            await this.memberDayDiscount(member, merchantId, benefitsAt),
            coupon?.view.template ?? null,
          )
        : null;
    let discountFen = 0;
    if (coupon) {
      const dto = this.coupons.toDto(coupon.row, coupon.view);
      const refusal = couponUseRefusal(
        {
          ...coupon.view.template,
          merchantIds: dto.merchantIds,
          status: coupon.row.status,
          validFrom: coupon.row.validFrom,
          validUntil: coupon.row.validUntil,
        },
        {
          merchantId,
          amountFen: bill ? bill.amountFen - bill.memberDayDiscountFen : null,
          now,
          hasPurchased: member.firstPurchaseAt !== null,
        },
      );
      if (refusal) throw new DomainError(refusal.code, refusal.status, refusal.message);
      discountFen = bill ? bill.couponDiscountFen : couponDiscountFen(coupon.view.template, 0);
    }
    const memberDayDiscountFen = bill?.memberDayDiscountFen ?? 0;

    const work = this.tx.run(async (em) => {
      await this.members.holdOpen(em, staff.allianceId, member.id, now, invalidMemberCode);
      if (limits)
        await this.addToDailyTotal(em, staff, member.id, amountFen, limits.counterDailyPerMemberMaxFen, now);
      // The coupon next: a guarded update, so racing clerks fail here on the row lock's verdict.
      if (coupon) await this.couponUsage.useAtCounter(em, coupon.row, merchantId, now);
      const saved = await em.save(
        em.create(Redemption, {
          allianceId: staff.allianceId,
          merchantId,
          staffId: staff.id,
          memberId: member.id,
          couponId: coupon?.row.id ?? null,
          amountFen,
          couponDiscountFen: discountFen,
          memberDayDiscountFen,
          pointsEarned: 0,
          pointsReversed: 0,
          firstPurchase: false,
          createdAt: now,
        }),
      );
      const effects = await this.purchases.record(
        em,
        member,
        {
          merchantId,
          paidFen: counterPaidFen(saved),
          sourceType: 'redemption',
          sourceId: saved.id,
        },
        now,
        benefitsAt,
      );
      if (coupon?.view.template.firstOrderOnly && !effects.firstPurchase)
        throw new DomainError('FIRST_ORDER_ONLY', 422, '此券仅限首单使用');
      await em.update(
        Redemption,
        { id: saved.id },
        { firstPurchase: effects.firstPurchase, pointsEarned: effects.pointsEarned },
      );
      if (coupon) {
        await this.couponUsage.linkRedemption(em, coupon.row, saved, now);
        await this.settlement.postCouponSubsidy(em, {
          allianceId: staff.allianceId,
          merchantId,
          issuer: coupon.view.template,
          discountFen,
          source: { type: 'redemption', id: saved.id },
          at: now,
        });
      }
      const recorded = { ...saved, firstPurchase: effects.firstPurchase, pointsEarned: effects.pointsEarned };
      await this.events.publish(em, new CounterPurchaseRecorded(recorded, now));
      await rememberResult(em, 'redemption', saved.id);
      return recorded;
    });
    const redemption = await this.limits.recordingRefusal(staff, work);

    return this.answer(staff.allianceId, redemption);
  }

  /** A redemption at the clerk's merchant as redeem() answers it (an Idempotency-Key replay). */
  async redemption(staff: Principal, id: string) {
    const row = await this.tx.dataSource.manager.findOneByOrFail(Redemption, {
      id,
      merchantId: staff.merchantId!,
    });
    return this.answer(staff.allianceId, row);
  }

  private async answer(allianceId: string, r: Redemption) {
    const usedCoupon = r.couponId ? await this.coupons.get(allianceId, r.couponId) : null;
    return {
      id: r.id,
      memberId: r.memberId,
      merchantId: r.merchantId,
      amountFen: r.amountFen,
      couponDiscountFen: r.couponDiscountFen,
      memberDayDiscountFen: r.memberDayDiscountFen,
      payableFen: counterPaidFen(r),
      firstPurchase: r.firstPurchase,
      coupon: usedCoupon ? this.coupons.toDto(usedCoupon.row, usedCoupon.view) : null,
      pointsEarned: r.pointsEarned,
      createdAt: r.createdAt.toISOString(),
    };
  }

  /**
   * Adds a purchase to the member's business-day total here. For a clerk the update is guarded by the
   * daily limit, so of racing purchases exactly those that fit succeed; a merchant admin adds uncapped.
   */
  private async addToDailyTotal(
    em: EntityManager,
    staff: Principal,
    memberId: string,
    amountFen: number,
    dailyMaxFen: number,
    at: Date,
  ): Promise<void> {
    const key = {
      allianceId: staff.allianceId,
      merchantId: staff.merchantId!,
      memberId,
      businessDate: businessDate(at),
    };
    // The day's row first. On MySQL an INSERT IGNORE that meets it takes a shared lock, and two racing
    // purchases holding one deadlock on the update; ON DUPLICATE KEY UPDATE locks it exclusively at once,
    // so they queue (SQLite runs one transaction at a time).
    await em.query(
      `${this.tx.isSqlite ? 'INSERT OR IGNORE' : 'INSERT'} INTO counter_daily_totals
         (alliance_id, merchant_id, member_id, business_date, total_fen) VALUES (?, ?, ?, ?, 0)
       ${this.tx.isSqlite ? '' : 'ON DUPLICATE KEY UPDATE total_fen = total_fen'}`,
      [key.allianceId, key.merchantId, key.memberId, key.businessDate],
    );
    const update = em
      .createQueryBuilder()
      .update(CounterDailyTotal)
      .set({ totalFen: () => 'total_fen + :amount' })
      .where('alliance_id = :allianceId AND merchant_id = :merchantId AND member_id = :memberId', key)
      .andWhere('business_date = :businessDate', key)
      .setParameter('amount', amountFen);
    if (staff.role === 'clerk') update.andWhere('total_fen + :amount <= :max', { max: dailyMaxFen });
    const added = await update.execute();
    if (added.affected !== 1) {
      throw new ApprovalRequired({
        action: 'counter_purchase',
        limit: 'counterDailyPerMemberMaxFen',
        value: amountFen,
        limitValue: dailyMaxFen,
        memberId,
      });
    }
  }
}
