import { Injectable } from '@nestjs/common';
import { memberDayDiscountFor, priceOrder, PriceBreakdown, purchaseEarning } from '@allycard/domain';
import { AlliancesService } from '../alliances/alliances.service';
import { BenefitRulesService } from '../benefits/benefit-rules';
import { Clock } from '../common/clock';
import { Principal } from '../common/auth';
import { DomainError, notFound } from '../common/errors';
import type { CouponRow } from '../coupons/coupon.entity';
import { CouponsService } from '../coupons/coupons.service';
import type { Member } from '../members/member.entity';
import { MembersService } from '../members/members.service';
import type { Merchant } from '../merchants/merchant.entity';
import { MerchantsService } from '../merchants/merchants.service';
import { LedgerService } from '../points/ledger.service';

export interface OrderInput {
  merchantId: string;
  amountFen: number;
  couponId?: string;
  points?: number;
}

/**
 * The price of paying a merchant, read only. Computed from the server's own data — never taken from
 * the client — with packages/domain's functions, the same the phone previews with.
 */
@Injectable()
export class OrderPricingService {
  constructor(
    private readonly members: MembersService,
    private readonly merchants: MerchantsService,
    private readonly coupons: CouponsService,
    private readonly alliances: AlliancesService,
    private readonly ledger: LedgerService,
    private readonly benefits: BenefitRulesService,
    private readonly clock: Clock,
  ) {}

  /** The price breakdown and the points it would earn, nothing stored. */
  async preview(who: Principal, input: OrderInput) {
    const member = await this.members.get(who);
    const { price } = await this.price(member, input);
    const tiers = await this.alliances.tiers(who.allianceId);
    const policy = await this.ledger.policy(who.allianceId);
    // the same rule and inputs as the paid order's earning (PurchasesService.record)
    const now = this.clock.now();
    const earning = purchaseEarning(price.payableFen, policy, {
      ...(await this.benefits.earningRules(who.allianceId, now)),
      tiers,
      tierCode: member.tierCode,
      merchantId: input.merchantId,
      at: now,
    });
    return {
      merchantId: input.merchantId,
      ...price,
      couponId: input.couponId ?? null,
      pointsEarned: earning.points,
      earning: {
        multiplierPermille: earning.permille,
        memberDay: earning.memberDayPermille !== null,
        promotionIds: earning.promotionIds,
        capped: earning.capped,
      },
      pointsBalance: member.points,
      pointValueFen: policy.pointValueFen,
    };
  }

  /** The charge for `input`, with the member's coupon row when one is used; refusals are errors. */
  async price(
    member: Member,
    input: OrderInput,
  ): Promise<{ price: PriceBreakdown; coupon: CouponRow | null; merchant: Merchant }> {
    const merchant = await this.merchants.get(member.allianceId, input.merchantId);
    const tiers = await this.alliances.tiers(member.allianceId);
    const tier = tiers.find((t) => t.code === member.tierCode);
    const policy = await this.ledger.policy(member.allianceId);
    let couponTerms = null;
    let couponRow: CouponRow | null = null;
    if (input.couponId) {
      const found = await this.coupons.get(member.allianceId, input.couponId);
      if (!found || found.row.memberId !== member.id) throw notFound('优惠券');
      couponRow = found.row;
      couponTerms = {
        ...found.view.template,
        merchantIds: found.view.merchantIds,
        status: found.row.status,
        validFrom: found.row.validFrom,
        validUntil: found.row.validUntil,
      };
    }
    // the injected clock: the day decides the member day (tests move it); the order is dated by it too
    const now = this.clock.now();
    const rules = await this.benefits.earningRules(member.allianceId, now);
    const result = priceOrder({
      amountFen: input.amountFen,
      tierDiscountPermille: tier?.discountPermille ?? 1000,
      memberDayDiscount: memberDayDiscountFor({
        memberDay: rules.memberDay,
        tiers,
        tierCode: member.tierCode,
        merchantId: input.merchantId,
        at: now,
      }),
      coupon: couponTerms,
      merchantId: input.merchantId,
      hasPurchased: member.firstPurchaseAt !== null,
      pointsRequested: input.points ?? 0,
      pointsBalance: member.points,
      pointValueFen: policy.pointValueFen,
      now,
    });
    if (!result.ok) throw new DomainError(result.refusal.code, result.refusal.status, result.refusal.message);
    return { price: result.price, coupon: couponRow, merchant };
  }
}
