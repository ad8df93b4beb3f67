import { Injectable } from '@nestjs/common';
import { couponDiscountFen, couponUseRefusal } from '@allycard/domain';
import { Principal } from '../common/auth';
import { DomainError, notFound, validationFailed } from '../common/errors';
import { TransactionRunner } from '../common/transactions';
import { CouponRow } from '../coupons/coupon.entity';
import { CouponsService } from '../coupons/coupons.service';
import { MembersService } from '../members/members.service';
import { PurchasesService } from '../points/purchases.service';
import { Redemption } from './redemption.entity';

/** What the clerk does at the counter after scanning a member's code. */
@Injectable()
export class CounterService {
  constructor(
    private readonly members: MembersService,
    private readonly coupons: CouponsService,
    private readonly purchases: PurchasesService,
    private readonly tx: TransactionRunner,
  ) {}

  async lookup(staff: Principal, memberCode: string) {
    const member = await this.members.lookupByCode(staff, memberCode);
    return {
      member: await this.members.toDto(member),
      coupons: await this.coupons.usableAt(member, staff.merchantId!),
    };
  }

  /**
   * Redeems a coupon and/or records a purchase, in one transaction. The coupon is used by a guarded
   * update (`status = 'available'`) plus a unique key on redemptions.coupon_id, so five clerks
   * scanning one coupon make one redemption; a first-order coupon also needs this purchase to win the
   * guarded "first purchase" update.
   */
  async redeem(staff: Principal, input: { memberCode: string; couponId?: string; amountFen?: number }) {
    if (!input.couponId && !input.amountFen) {
      throw validationFailed(
        [{ field: 'couponId', message: 'give couponId and/or amountFen' }],
        '请选择要核销的券或输入消费金额',
      );
    }
    const member = await this.members.lookupByCode(staff, input.memberCode);
    const merchantId = staff.merchantId!;
    const coupon = input.couponId ? await this.coupons.get(staff.allianceId, input.couponId) : null;
    if (input.couponId && (!coupon || coupon.row.memberId !== member.id)) throw notFound('优惠券');
    const now = new Date();
    const amountFen = input.amountFen ?? 0;
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
          amountFen: input.amountFen ?? null,
          now,
          hasPurchased: member.firstPurchaseAt !== null,
        },
      );
      if (refusal) throw new DomainError(refusal.code, refusal.status, refusal.message);
      discountFen = couponDiscountFen(coupon.view.template, amountFen);
    }

    const redemption = await this.tx.run(async (em) => {
      // The coupon first: a guarded update, so racing clerks fail here on the row lock's verdict.
      if (coupon) {
        const used = await em
          .createQueryBuilder()
          .update(CouponRow)
          .set({ status: 'used', usedAt: now, usedMerchantId: merchantId, updatedAt: now })
          .where("id = :id AND member_id = :member AND status = 'available' AND valid_until > :now", {
            id: coupon.row.id,
            member: member.id,
            now,
          })
          .execute();
        if (used.affected !== 1) throw new DomainError('COUPON_NOT_AVAILABLE', 409, '该券已被使用或不可用');
      }
      const saved = await em.save(
        em.create(Redemption, {
          allianceId: staff.allianceId,
          merchantId,
          staffId: staff.id,
          memberId: member.id,
          couponId: coupon?.row.id ?? null,
          amountFen,
          couponDiscountFen: discountFen,
          pointsEarned: 0,
          firstPurchase: false,
          createdAt: now,
        }),
      );
      const effects = await this.purchases.record(
        em,
        member,
        { merchantId, paidFen: amountFen - discountFen, sourceType: 'redemption', sourceId: saved.id },
        now,
      );
      if (coupon?.view.template.firstOrderOnly && !effects.firstPurchase)
        throw new DomainError('FIRST_ORDER_ONLY', 422, '此券仅限首单使用');
      await em.update(
        Redemption,
        { id: saved.id },
        { firstPurchase: effects.firstPurchase, pointsEarned: effects.pointsEarned },
      );
      // The used coupon points at its one redemption (unique key on redemptions.coupon_id too).
      if (coupon) await em.update(CouponRow, { id: coupon.row.id }, { redemptionId: saved.id });
      return { ...saved, firstPurchase: effects.firstPurchase, pointsEarned: effects.pointsEarned };
    });

    const usedCoupon = coupon ? await this.coupons.get(staff.allianceId, coupon.row.id) : null;
    return {
      id: redemption.id,
      memberId: member.id,
      merchantId,
      amountFen,
      couponDiscountFen: discountFen,
      payableFen: amountFen - discountFen,
      firstPurchase: redemption.firstPurchase,
      coupon: usedCoupon ? this.coupons.toDto(usedCoupon.row, usedCoupon.view) : null,
      pointsEarned: redemption.pointsEarned,
      createdAt: now.toISOString(),
    };
  }
}
