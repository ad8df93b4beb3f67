import type { MemberDayDiscount } from './benefits';
import { couponDiscountFen, type CouponTerms } from './coupons';
import { priceOrder } from './pricing';

/**
 * Voiding a counter record (a coupon redeemed and/or a purchase recorded by mistake, e.g. ¥3680 typed
 * for ¥368): who may, and until when. The server enforces it; the staff pages show 撤销 only while it
 * holds.
 */

/** A clerk of the record's merchant may void it this long after it was recorded (30 minutes). */
export const COUNTER_VOID_CLERK_WINDOW_MS = 30 * 60_000;
/**
 * The merchant's merchant_admin may void it for this long (7 days): the same span a clerk may refund
 * a paid order in, so a mistake found in the weekly review can still be corrected.
 */
export const COUNTER_VOID_ADMIN_WINDOW_MS = 7 * 24 * 60 * 60_000;
/** The reason the staff gives, trimmed: 1 to this many characters. */
export const COUNTER_VOID_REASON_MAX = 100;

export type CounterVoidRole = 'clerk' | 'merchant_admin';

export type CounterVoidRefusal =
  | { code: 'APPROVAL_REQUIRED'; status: 403; message: string }
  | { code: 'VOID_WINDOW_PASSED'; status: 409; message: string };

/** Until when `role` may void a record made at `createdAt`. */
export function counterVoidDeadline(role: CounterVoidRole, createdAt: Date): Date {
  const window = role === 'clerk' ? COUNTER_VOID_CLERK_WINDOW_MS : COUNTER_VOID_ADMIN_WINDOW_MS;
  return new Date(createdAt.getTime() + window);
}

/**
 * Why `role` may not void a record made at `createdAt` at `now`, or null when it may. A clerk past
 * its window is told that the merchant admin can still do it (403, like the other staff limits).
 */
export function counterVoidRefusal(
  role: CounterVoidRole,
  createdAt: Date,
  now: Date,
): CounterVoidRefusal | null {
  if (now < counterVoidDeadline(role, createdAt)) return null;
  if (role === 'clerk' && now < counterVoidDeadline('merchant_admin', createdAt))
    return { code: 'APPROVAL_REQUIRED', status: 403, message: '超过30分钟的记录需由店长撤销' };
  return { code: 'VOID_WINDOW_PASSED', status: 409, message: '超过7天的记录不能撤销' };
}

/** A counter bill: what the clerk typed, the member day's and the coupon's reductions, what is due. */
export interface CounterBill {
  amountFen: number;
  memberDayDiscountFen: number;
  couponDiscountFen: number;
  payableFen: number;
}

/**
 * Prices a purchase the clerk types at the counter (amountFen > 0), the same on the clerk's page and
 * the server: the amount is the merchant's own price (no tier discount at the counter), the member
 * day's extra discount is priceOrder's, and a coupon reduces what the member day leaves — its
 * threshold is met against that, as on the pay page.
 */
export function priceCounterBill(
  amountFen: number,
  memberDayDiscount: MemberDayDiscount | null,
  coupon: Pick<
    CouponTerms,
    'kind' | 'valueFen' | 'discountPermille' | 'maxDiscountFen' | 'thresholdFen'
  > | null,
): CounterBill {
  const priced = priceOrder({
    amountFen,
    tierDiscountPermille: 1000,
    memberDayDiscount,
    coupon: null,
    merchantId: '',
    hasPurchased: true,
    pointsRequested: 0,
    pointsBalance: 0,
    pointValueFen: 1,
    now: new Date(0),
  });
  if (!priced.ok) throw new Error('a bill without a coupon is never refused');
  const memberPriceFen = priced.price.payableFen;
  const couponOff = coupon ? couponDiscountFen(coupon, memberPriceFen) : 0;
  return {
    amountFen,
    memberDayDiscountFen: priced.price.memberDayDiscountFen,
    couponDiscountFen: couponOff,
    payableFen: memberPriceFen - couponOff,
  };
}

/**
 * What the member paid for a counter record: the amount less the coupon's and the member day's
 * reductions (what points, tier spend, spend-and-get and the reports count).
 */
export function counterPaidFen(r: {
  amountFen: number;
  couponDiscountFen: number;
  memberDayDiscountFen?: number;
}): number {
  return r.amountFen - r.couponDiscountFen - (r.memberDayDiscountFen ?? 0);
}
