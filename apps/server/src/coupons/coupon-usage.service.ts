import { Injectable } from '@nestjs/common';
import type { CouponIssuer } from '@allycard/domain';
import { EntityManager, In } from 'typeorm';
import { DomainError } from '../common/errors';
import { CouponUsed } from '../events/domain-events';
import { EventBus } from '../events/event-bus';
import { CouponTemplate } from './coupon-template.entity';
import { CouponRow } from './coupon.entity';

/**
 * A coupon's use, as other modules ask for it: each a guarded transition in the caller's transaction
 * (available → locked by an order → used, or back; available → used at the counter; used → available
 * after a full refund), so a coupon is used at most once however many requests race.
 */
@Injectable()
export class CouponUsageService {
  constructor(private readonly events: EventBus) {}

  /** available → locked for a pending order; 409 when it is no longer the member's to use. */
  async lockForOrder(
    em: EntityManager,
    coupon: { id: string; memberId: string },
    orderId: string,
    at: Date,
  ): Promise<void> {
    await this.takeAvailable(em, coupon, { status: 'locked', orderId, updatedAt: at }, at);
  }

  /** locked → used when the order is paid (CouponUsed). */
  async consumeForOrder(
    em: EntityManager,
    order: { id: string; allianceId: string; memberId: string; merchantId: string; couponId: string },
    at: Date,
  ): Promise<void> {
    const used = await em.update(
      CouponRow,
      { id: order.couponId, status: 'locked', orderId: order.id },
      { status: 'used', usedAt: at, usedMerchantId: order.merchantId, updatedAt: at },
    );
    if (used.affected === 1)
      await this.events.publish(
        em,
        new CouponUsed(
          { id: order.couponId, allianceId: order.allianceId, memberId: order.memberId },
          order.merchantId,
          { orderId: order.id },
          at,
        ),
      );
  }

  /**
   * available → void for every coupon of a closing account, once its shares were taken back and its
   * pending orders closed (so none is left locked or sharing). The coupons voided.
   */
  async voidAllOf(em: EntityManager, member: { id: string; allianceId: string }, at: Date): Promise<number> {
    const voided = await em.update(
      CouponRow,
      { allianceId: member.allianceId, memberId: member.id, status: In(['available', 'sharing']) },
      { status: 'void', updatedAt: at },
    );
    return voided.affected ?? 0;
  }

  /**
   * available → void for a member's first-order coupons once the member's first purchase is made
   * without them: they can never be used again, so the wallet, the card's count and the pay page stop
   * offering them (the coupon that paid for the first purchase is locked or used already, not touched).
   */
  async retireFirstOrderCoupons(
    em: EntityManager,
    member: { id: string; allianceId: string },
    at: Date,
  ): Promise<number> {
    const retired = await em
      .createQueryBuilder()
      .update(CouponRow)
      .set({ status: 'void', updatedAt: at })
      .where("alliance_id = :alliance AND member_id = :member AND status = 'available'", {
        alliance: member.allianceId,
        member: member.id,
      })
      .andWhere(
        'template_id IN (SELECT t.id FROM coupon_templates t WHERE t.alliance_id = :alliance AND t.first_order_only = :firstOrder)',
        { firstOrder: true },
      )
      .execute();
    return retired.affected ?? 0;
  }

  /** locked → available when the order closes unpaid. */
  async releaseFromOrder(em: EntityManager, couponId: string, orderId: string, at: Date): Promise<void> {
    await em.update(
      CouponRow,
      { id: couponId, status: 'locked', orderId },
      { status: 'available', orderId: null, updatedAt: at },
    );
  }

  /**
   * available → void: a coupon issued for a purchase (满额返券) withdrawn after the purchase's full
   * refund, only while unused and in the wallet (a guarded update); whether it was withdrawn.
   */
  async withdrawIssued(em: EntityManager, couponId: string, at: Date): Promise<boolean> {
    const withdrawn = await em.update(
      CouponRow,
      { id: couponId, status: 'available' },
      { status: 'void', updatedAt: at },
    );
    return withdrawn.affected === 1;
  }

  /** used → available after the order's full refund, while still valid; whether it came back. */
  async restoreAfterRefund(em: EntityManager, couponId: string, orderId: string, at: Date): Promise<boolean> {
    const back = await em
      .createQueryBuilder()
      .update(CouponRow)
      .set({ status: 'available', orderId: null, usedAt: null, usedMerchantId: null, updatedAt: at })
      .where("id = :id AND order_id = :order AND status = 'used' AND valid_until > :at", {
        id: couponId,
        order: orderId,
        at,
      })
      .execute();
    return back.affected === 1;
  }

  /**
   * used → available when the counter record that used it is voided, while still valid; whether it
   * came back. The caller clears the record's coupon_id in the same transaction (unique key), so the
   * coupon may be redeemed again.
   */
  async restoreAfterVoid(
    em: EntityManager,
    couponId: string,
    redemptionId: string,
    at: Date,
  ): Promise<boolean> {
    const back = await em
      .createQueryBuilder()
      .update(CouponRow)
      .set({ status: 'available', redemptionId: null, usedAt: null, usedMerchantId: null, updatedAt: at })
      .where("id = :id AND redemption_id = :redemption AND status = 'used' AND valid_until > :at", {
        id: couponId,
        redemption: redemptionId,
        at,
      })
      .execute();
    return back.affected === 1;
  }

  /** available → used at the counter; racing clerks fail here on the row lock's verdict (409). */
  async useAtCounter(
    em: EntityManager,
    coupon: { id: string; memberId: string },
    merchantId: string,
    at: Date,
  ): Promise<void> {
    await this.takeAvailable(
      em,
      coupon,
      { status: 'used', usedAt: at, usedMerchantId: merchantId, updatedAt: at },
      at,
    );
  }

  /** available → `change`, guarded on the member still holding it valid and available (409 otherwise). */
  private async takeAvailable(
    em: EntityManager,
    coupon: { id: string; memberId: string },
    change: Partial<CouponRow>,
    at: Date,
  ): Promise<void> {
    const taken = await em
      .createQueryBuilder()
      .update(CouponRow)
      .set(change)
      .where("id = :id AND member_id = :member AND status = 'available' AND valid_until > :now", {
        id: coupon.id,
        member: coupon.memberId,
        now: at,
      })
      .execute();
    if (taken.affected === 1) return;
    // Retired meanwhile by a racing first purchase: say why, as when the retirement came first.
    const now = await em.findOneBy(CouponRow, { id: coupon.id });
    if (now?.status === 'void' && (await this.isFirstOrderOnly(em, now.templateId)))
      throw new DomainError('FIRST_ORDER_ONLY', 422, '此券仅限首单使用');
    throw new DomainError('COUPON_NOT_AVAILABLE', 409, '该券已被使用或不可用');
  }

  private async isFirstOrderOnly(em: EntityManager, templateId: string): Promise<boolean> {
    return !!(await em.findOneBy(CouponTemplate, { id: templateId }))?.firstOrderOnly;
  }

  /** The used coupon points at its one redemption (unique key on redemptions.coupon_id too). */
  async linkRedemption(
    em: EntityManager,
    coupon: { id: string; allianceId: string; memberId: string },
    redemption: { id: string; merchantId: string },
    at: Date,
  ): Promise<void> {
    await em.update(CouponRow, { id: coupon.id }, { redemptionId: redemption.id });
    await this.events.publish(
      em,
      new CouponUsed(coupon, redemption.merchantId, { redemptionId: redemption.id }, at),
    );
  }

  /** Who issued the coupon's template (who bears its discount in settlement). */
  async issuerOf(em: EntityManager, couponId: string): Promise<CouponIssuer | null> {
    const row = await em
      .createQueryBuilder(CouponRow, 'c')
      .innerJoin(CouponTemplate, 't', 't.id = c.template_id')
      .select(['t.issuer_type AS issuer_type', 't.issuer_merchant_id AS issuer_merchant_id'])
      .where('c.id = :id', { id: couponId })
      .getRawOne<{ issuer_type: CouponIssuer['issuerType']; issuer_merchant_id: string | number | null }>();
    return row
      ? {
          issuerType: row.issuer_type,
          issuerMerchantId: row.issuer_merchant_id === null ? null : String(row.issuer_merchant_id),
        }
      : null;
  }
}
