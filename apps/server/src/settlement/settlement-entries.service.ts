import { Global, Injectable, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import {
  couponSubsidyEntry,
  paidOrderEntries,
  refundReversals,
  type CouponIssuer,
  type SettlementEntryDraft,
} from '@allycard/domain';
import { EntityManager } from 'typeorm';
import { StaffLimitsService } from '../alliances/staff-limits.service';
import { CouponsModule } from '../coupons/coupons.module';
import { CouponUsageService } from '../coupons/coupon-usage.service';
import { SettlementEntry, SettlementSourceType } from './settlement-entry.entity';

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

/**
 * Writes settlement entries inside the business event's own transaction, dated when it happened: a
 * coupon used at the counter or on a paid order (its issuer bears it), a paid order's tier discount
 * (borne as the alliance's setting says when it is paid), and a refund's reversals. Who bears what is
 * packages/domain's settlement rule.
 */
@Injectable()
export class SettlementEntriesService {
  constructor(
    private readonly limits: StaffLimitsService,
    private readonly coupons: CouponUsageService,
  ) {}

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
    const entry = couponSubsidyEntry(input.merchantId, input.issuer, input.discountFen);
    if (entry) await this.post(em, input.allianceId, [entry], { ...input.source, at: input.at });
  }

  /** An order just paid (runs in the transaction that marks it paid). */
  async postPaidOrder(em: EntityManager, order: SettledOrder, at: Date): Promise<void> {
    const issuer =
      order.couponId && order.couponDiscountFen > 0 ? await this.coupons.issuerOf(em, order.couponId) : null;
    // The setting is read only when there is a tier discount to settle.
    const tierBorneBy =
      order.tierDiscountFen > 0 ? await this.limits.tierDiscountBearer(order.allianceId, em) : 'merchant';
    const entries = paidOrderEntries(order, issuer, tierBorneBy);
    await this.post(em, order.allianceId, entries, { type: 'order', id: order.id, at });
  }

  /** A refund that WeChat confirmed, in its applying transaction, dated at its success. */
  async reverseForRefund(
    em: EntityManager,
    order: SettledOrder,
    refund: { id: string; amountFen: number },
    applied: { refundedBeforeFen: number; full: boolean },
    at: Date,
  ): Promise<void> {
    const originals = await em.findBy(SettlementEntry, { sourceType: 'order', sourceId: order.id });
    const reversals = refundReversals(originals, order.payableFen, {
      amountFen: refund.amountFen,
      ...applied,
    });
    await this.post(em, order.allianceId, reversals, { type: 'refund', id: refund.id, at });
  }

  /**
   * A voided counter record: its entries (the coupon subsidy) reversed in full, dated at the void, as a
   * full refund reverses an order's — whether or not the coupon could come back.
   */
  async reverseForVoid(
    em: EntityManager,
    redemption: { id: string; allianceId: string; payableFen: number },
    at: Date,
  ): Promise<void> {
    const originals = await em.findBy(SettlementEntry, { sourceType: 'redemption', sourceId: redemption.id });
    const reversals = refundReversals(originals, redemption.payableFen, {
      amountFen: redemption.payableFen,
      refundedBeforeFen: 0,
      full: true,
    });
    await this.post(em, redemption.allianceId, reversals, { type: 'redemption_void', id: redemption.id, at });
  }

  private async post(
    em: EntityManager,
    allianceId: string,
    entries: readonly SettlementEntryDraft[],
    source: { type: SettlementSourceType; id: string; at: Date },
  ): Promise<void> {
    for (const e of entries)
      await em.insert(SettlementEntry, {
        allianceId,
        kind: e.kind,
        beneficiaryMerchantId: e.beneficiaryMerchantId,
        bearer: e.bearer,
        amountFen: e.amountFen,
        sourceType: source.type,
        sourceId: source.id,
        occurredAt: source.at,
      });
  }
}

/** Global: the counter, orders and refunds post entries from their own transactions. */
@Global()
@Module({
  imports: [TypeOrmModule.forFeature([SettlementEntry]), CouponsModule],
  providers: [SettlementEntriesService],
  exports: [SettlementEntriesService],
})
export class SettlementEntriesModule {}
