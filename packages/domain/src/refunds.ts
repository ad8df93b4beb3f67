import { proportionalShare } from './pricing';

/** What a refund needs to know of its order, amounts in fen, quantities in points. */
export interface RefundedOrder {
  payableFen: number;
  /** refunded before this refund, succeeded ones only */
  refundedBeforeFen: number;
  pointsEarned: number;
  pointsUsed: number;
  couponId: string | null;
}

export interface RefundEffects {
  /** the order is wholly refunded by this refund (a nothing-to-pay order always is) */
  full: boolean;
  /** of the points the order earned */
  pointsToClawBack: number;
  /** of the points the order spent */
  pointsToGiveBack: number;
  /** the order's coupon goes back to the member (when still valid: the caller's guarded update) */
  returnCoupon: boolean;
  /** added to the member's rolling tier spend */
  tierSpendDeltaFen: number;
}

/**
 * The effects of a refund of `refundFen` on an order: points taken back and given back in proportion
 * to the cumulative refunded amount (partial refunds add up exactly to the full one), the coupon back
 * on the full refund only, the tier spend down by what was refunded.
 */
export function refundEffects(order: RefundedOrder, refundFen: number): RefundEffects {
  const { payableFen, refundedBeforeFen } = order;
  if (!Number.isSafeInteger(refundFen) || refundFen < 0 || refundedBeforeFen < 0)
    throw new RangeError('refund amounts must be non-negative integers');
  if (refundedBeforeFen + refundFen > payableFen) throw new RangeError('refund exceeds what was paid');
  const full = payableFen === 0 || refundedBeforeFen + refundFen >= payableFen;
  const share = (quantity: number) =>
    payableFen === 0 ? quantity : proportionalShare(quantity, payableFen, refundedBeforeFen, refundFen);
  return {
    full,
    pointsToClawBack: share(order.pointsEarned),
    pointsToGiveBack: share(order.pointsUsed),
    returnCoupon: full && order.couponId !== null,
    tierSpendDeltaFen: 0 - refundFen, // not -refundFen: no -0
  };
}
