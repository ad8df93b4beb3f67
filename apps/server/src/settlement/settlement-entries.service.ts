import { Global, Injectable, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { proportionalShare } from '@allycard/domain';
import { EntityManager } from 'typeorm';
import { StaffLimitsService } from '../alliances/staff-limits.service';
import { CouponTemplate } from '../coupons/coupon-template.entity';
import { CouponRow } from '../coupons/coupon.entity';
import { SettlementEntry, SettlementEntryKind, SettlementSourceType } from './settlement-entry.entity';

export interface CouponIssuer {
  issuerType: 'alliance' | 'merchant';
  issuerMerchantId: string | null;
}

/** The order fields settlement needs (an `Order` row fits). */
export interface SettledOrder {
  id: string;
  allianceId: string;
  merchantId: string;
  couponId: string | null;
  couponDiscountFen: number;
  tierDiscountFen: number;
  payableFen: number;
}

/** Who bears a coupon's discount: its issuing merchant, or the alliance for the alliance's coupons. */
export function couponBearer(issuer: CouponIssuer): string {
  return issuer.issuerType === 'merchant' && issuer.issuerMerchantId !== null
    ? issuer.issuerMerchantId
    : 'alliance';
}

/**
 * Writes settlement entries inside the business event's own transaction, dated when it happened: a
 * coupon used at the counter or on a paid order (its issuer bears it), a paid order's tier discount
 * (borne as the alliance's setting says when it is paid), and a refund's reversals.
 */
@Injectable()
export class SettlementEntriesService {
  constructor(private readonly limits: StaffLimitsService) {}

  /** A coupon used at `merchantId`. A merchant's own coupon at its own counter settles with nobody. */
  async postCouponSubsidy(
    em: EntityManager,
    input: {
      allianceId: string;
      merchantId: string;
      issuer: CouponIssuer;
      discountFen: number;
      source: { type: SettlementSourceType; id: string };
      at: Date;
    },
  ): Promise<void> {
    const bearer = couponBearer(input.issuer);
    if (bearer === input.merchantId || input.discountFen <= 0) return;
    await this.post(em, input.allianceId, 'coupon_subsidy', input.merchantId, bearer, input.discountFen, {
      ...input.source,
      at: input.at,
    });
  }

  /** An order just paid (runs in the transaction that marks it paid). */
  async postPaidOrder(em: EntityManager, order: SettledOrder, at: Date): Promise<void> {
    const source = { type: 'order' as const, id: order.id, at };
    if (order.couponId && order.couponDiscountFen > 0) {
      const issuer = await em
        .createQueryBuilder(CouponRow, 'c')
        .innerJoin(CouponTemplate, 't', 't.id = c.template_id')
        .select(['t.issuer_type AS issuer_type', 't.issuer_merchant_id AS issuer_merchant_id'])
        .where('c.id = :id', { id: order.couponId })
        .getRawOne<{ issuer_type: CouponIssuer['issuerType']; issuer_merchant_id: string | number | null }>();
      if (issuer) {
        await this.postCouponSubsidy(em, {
          allianceId: order.allianceId,
          merchantId: order.merchantId,
          issuer: {
            issuerType: issuer.issuer_type,
            issuerMerchantId: issuer.issuer_merchant_id === null ? null : String(issuer.issuer_merchant_id),
          },
          discountFen: order.couponDiscountFen,
          source,
          at,
        });
      }
    }
    if (order.tierDiscountFen > 0) {
      // When the merchant bears its own tier discounts the entry changes no hands, but it keeps the
      // discount visible in the report, and its reversal follows whoever bore it at payment.
      const bearer =
        (await this.limits.tierDiscountBearer(order.allianceId, em)) === 'alliance'
          ? 'alliance'
          : order.merchantId;
      await this.post(
        em,
        order.allianceId,
        'tier_discount',
        order.merchantId,
        bearer,
        order.tierDiscountFen,
        source,
      );
    }
  }

  /**
   * A refund that WeChat confirmed, in its applying transaction, dated at its success. A full refund
   * reverses the coupon subsidy whether or not the coupon could be returned (the purchase is undone);
   * the tier discount is reversed in proportion, so partial refunds add up to the whole.
   */
  async reverseForRefund(
    em: EntityManager,
    order: SettledOrder,
    refund: { id: string; amountFen: number },
    applied: { refundedBeforeFen: number; full: boolean },
    at: Date,
  ): Promise<void> {
    const originals = await em.findBy(SettlementEntry, { sourceType: 'order', sourceId: order.id });
    for (const entry of originals) {
      const reversed =
        entry.kind === 'coupon_subsidy'
          ? applied.full
            ? entry.amountFen
            : 0
          : order.payableFen > 0
            ? proportionalShare(
                entry.amountFen,
                order.payableFen,
                applied.refundedBeforeFen,
                refund.amountFen,
              )
            : applied.full
              ? entry.amountFen
              : 0;
      if (reversed === 0) continue;
      await this.post(
        em,
        entry.allianceId,
        entry.kind,
        entry.beneficiaryMerchantId,
        entry.bearer,
        -reversed,
        {
          type: 'refund',
          id: refund.id,
          at,
        },
      );
    }
  }

  private async post(
    em: EntityManager,
    allianceId: string,
    kind: SettlementEntryKind,
    beneficiaryMerchantId: string,
    bearer: string,
    amountFen: number,
    source: { type: SettlementSourceType; id: string; at: Date },
  ): Promise<void> {
    await em.insert(SettlementEntry, {
      allianceId,
      kind,
      beneficiaryMerchantId,
      bearer,
      amountFen,
      sourceType: source.type,
      sourceId: source.id,
      occurredAt: source.at,
    });
  }
}

/** Global: the counter, orders and refunds post entries from their own transactions. */
@Global()
@Module({
  imports: [TypeOrmModule.forFeature([SettlementEntry])],
  providers: [SettlementEntriesService],
  exports: [SettlementEntriesService],
})
export class SettlementEntriesModule {}
