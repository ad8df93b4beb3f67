import { bestCoupon, couponUseRefusal, type CouponTerms } from '@allycard/domain';
import type { Tier, WalletCoupon } from '@allycard/contracts';

/** What the phone knows of the member and the payment when it picks a coupon. */
export interface PriceContext {
  merchantId: string;
  amountFen: number;
  tierDiscountPermille: number;
  /** whether the member bought before (first-order coupons then no longer apply) */
  hasPurchased: boolean;
  now: Date;
}

/** A coupon of the wallet in the shape the domain rules take (dates as Dates). */
export function couponTerms(
  coupon: WalletCoupon,
): CouponTerms & { id: string; status: WalletCoupon['status'] } {
  return {
    id: coupon.id,
    status: coupon.status,
    kind: coupon.kind,
    valueFen: coupon.valueFen,
    discountPermille: coupon.discountPermille,
    maxDiscountFen: coupon.maxDiscountFen ?? null,
    thresholdFen: coupon.thresholdFen,
    usableAt: coupon.usableAt,
    merchantIds: coupon.merchantIds.map(String),
    firstOrderOnly: coupon.firstOrderOnly,
    validFrom: new Date(coupon.validFrom),
    validUntil: new Date(coupon.validUntil),
  };
}

/** The member's tier discount, per mille (1000 = none), from the alliance's tiers. */
export function tierDiscountPermille(tiers: Tier[], tierCode: string): number {
  return tiers.find((t) => t.code === tierCode)?.discountPermille ?? 1000;
}

/** Coupons that can take money off a payment at this merchant at all (not gifts, not elsewhere). */
export function couponsForMerchant(coupons: WalletCoupon[], merchantId: string): WalletCoupon[] {
  return coupons.filter(
    (c) =>
      c.status === 'available' &&
      c.kind !== 'gift' &&
      (c.usableAt === 'alliance' || c.merchantIds.map(String).includes(merchantId)),
  );
}

/** The member price the coupon's threshold is checked against: the amount less the tier discount. */
export function memberPriceFen(context: PriceContext): number {
  return context.amountFen - Math.floor((context.amountFen * (1000 - context.tierDiscountPermille)) / 1000);
}

/** Why a coupon cannot be used on this payment (the domain's words), or null. */
export function couponRefusal(coupon: WalletCoupon, context: PriceContext): string | null {
  const refusal = couponUseRefusal(couponTerms(coupon), {
    merchantId: context.merchantId,
    amountFen: memberPriceFen(context),
    now: context.now,
    hasPurchased: context.hasPurchased,
  });
  return refusal ? refusal.message : null;
}

/**
 * The coupon to preselect: the domain's bestCoupon, which puts a first-order coupon first (the
 * welcome offer should be felt on the first payment), then the largest reduction.
 */
export function preselectCoupon(coupons: WalletCoupon[], context: PriceContext): WalletCoupon | null {
  const best = bestCoupon(coupons.map(couponTerms), {
    amountFen: context.amountFen,
    tierDiscountPermille: context.tierDiscountPermille,
    merchantId: context.merchantId,
    hasPurchased: context.hasPurchased,
    pointsRequested: 0,
    pointsBalance: 0,
    pointValueFen: 1,
    now: context.now,
  });
  return best ? (coupons.find((c) => c.id === best.id) ?? null) : null;
}

/** The member's choice of coupon: the best one (until they choose), a given one, or none. */
export type CouponChoice = { mode: 'auto' } | { mode: 'manual'; couponId: string | null };

/** The coupon a choice comes to now; a chosen coupon that no longer applies gives way to the best. */
export function chosenCoupon(
  choice: CouponChoice,
  coupons: WalletCoupon[],
  context: PriceContext,
): WalletCoupon | null {
  if (choice.mode === 'manual') {
    if (choice.couponId === null) return null;
    const coupon = coupons.find((c) => c.id === choice.couponId);
    if (coupon && !couponRefusal(coupon, context)) return coupon;
  }
  return preselectCoupon(coupons, context);
}
