import { couponDiscountFen, CouponTerms, couponUseRefusal, CouponUseRefusal, CouponStatus } from './coupons';
import type { MemberDayDiscount } from './benefits';

/**
 * The price of a payment to a merchant, the same on the phone (preview) and the server (charge).
 *
 * Order and rounding, all in integer fen:
 * 1. Tier discount on the amount: floor(amount × (1000 − permille) / 1000) — the reduction rounds
 *    down, so a member never gets a fraction of a fen more than the tier's rate.
 * 2. The member day's extra discount (benefits' memberDayDiscountFor) on what the tier leaves:
 *    floor(that × offPermille / 1000), or offFen, never more than that amount.
 * 3. Coupon on the member price (amount − tier − member day): the threshold is checked against it and
 *    the reduction never exceeds it (see couponDiscountFen).
 * 4. Points on what is left: at most MAX_POINTS_SHARE_PERMILLE of it, at the policy's value per
 *    point; points that would pay for less than a whole point are not used.
 * payable = amount − tier − member day − coupon − points ≥ 0.
 */
export const MAX_POINTS_SHARE_PERMILLE = 500;

export interface PriceInput {
  amountFen: number;
  tierDiscountPermille: number;
  /** the member day's extra discount when it applies to this payment (null/absent: none) */
  memberDayDiscount?: MemberDayDiscount | null;
  coupon: (CouponTerms & { status: CouponStatus }) | null;
  merchantId: string;
  hasPurchased: boolean;
  /** points the member asks to use (0 for none) */
  pointsRequested: number;
  pointsBalance: number;
  pointValueFen: number;
  now: Date;
}

export interface PriceBreakdown {
  amountFen: number;
  tierDiscountFen: number;
  memberDayDiscountFen: number;
  couponDiscountFen: number;
  pointsUsed: number;
  pointsDiscountFen: number;
  payableFen: number;
}

export type PriceResult = { ok: true; price: PriceBreakdown } | { ok: false; refusal: CouponUseRefusal };

export function priceOrder(input: PriceInput): PriceResult {
  const { amountFen } = input;
  if (!Number.isSafeInteger(amountFen) || amountFen <= 0)
    throw new Error('amountFen must be a positive integer');
  const tierDiscountFen = Math.floor((amountFen * (1000 - input.tierDiscountPermille)) / 1000);
  const afterTierFen = amountFen - tierDiscountFen;
  const memberDayDiscountFen = memberDayOff(input.memberDayDiscount ?? null, afterTierFen);
  const memberPriceFen = afterTierFen - memberDayDiscountFen;

  let couponDiscount = 0;
  if (input.coupon) {
    const refusal = couponUseRefusal(input.coupon, {
      merchantId: input.merchantId,
      amountFen: memberPriceFen,
      now: input.now,
      hasPurchased: input.hasPurchased,
    });
    if (refusal) return { ok: false, refusal };
    couponDiscount = couponDiscountFen(input.coupon, memberPriceFen);
  }
  const afterCouponFen = memberPriceFen - couponDiscount;

  const capFen = Math.floor((afterCouponFen * MAX_POINTS_SHARE_PERMILLE) / 1000);
  const wanted = Math.max(0, Math.min(input.pointsRequested, input.pointsBalance));
  const pointsUsed = Math.min(wanted, Math.floor(capFen / input.pointValueFen));
  const pointsDiscountFen = pointsUsed * input.pointValueFen;

  return {
    ok: true,
    price: {
      amountFen,
      tierDiscountFen,
      memberDayDiscountFen,
      couponDiscountFen: couponDiscount,
      pointsUsed,
      pointsDiscountFen,
      payableFen: afterCouponFen - pointsDiscountFen,
    },
  };
}

function memberDayOff(d: MemberDayDiscount | null, priceFen: number): number {
  if (!d) return 0;
  const off = d.offPermille !== null ? Math.floor((priceFen * d.offPermille) / 1000) : (d.offFen ?? 0);
  return Math.max(0, Math.min(off, priceFen));
}

/**
 * Which of the member's coupons to preselect: a first-order coupon first (the welcome offer should be
 * felt on the first payment), then the largest reduction. Null when none applies.
 */
export function bestCoupon<C extends CouponTerms & { id: string; status: CouponStatus }>(
  coupons: readonly C[],
  input: Omit<PriceInput, 'coupon'>,
): C | null {
  let best: { coupon: C; off: number; first: boolean } | null = null;
  for (const coupon of coupons) {
    const result = priceOrder({ ...input, coupon, pointsRequested: 0 });
    if (!result.ok || result.price.couponDiscountFen === 0) continue;
    const candidate = { coupon, off: result.price.couponDiscountFen, first: coupon.firstOrderOnly };
    if (
      !best ||
      (candidate.first && !best.first) ||
      (candidate.first === best.first && candidate.off > best.off)
    )
      best = candidate;
  }
  return best?.coupon ?? null;
}

/**
 * What a refund of `refundFen` out of `payableFen` takes back of a quantity (points earned, points
 * used), computed on the cumulative refunded amount so that rounding never drifts: after a full
 * refund exactly the whole quantity has been taken back.
 */
export function proportionalShare(
  quantity: number,
  payableFen: number,
  refundedBeforeFen: number,
  refundFen: number,
): number {
  if (payableFen <= 0) return refundedBeforeFen + refundFen > 0 ? quantity : 0;
  const upTo = (refunded: number) => Math.floor((quantity * Math.min(refunded, payableFen)) / payableFen);
  return upTo(refundedBeforeFen + refundFen) - upTo(refundedBeforeFen);
}
