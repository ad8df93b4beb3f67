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
