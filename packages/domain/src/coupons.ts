import { formatFen, formatYuanShort, formatZhe } from './money';

/**
 * Coupon rules shared by the server (redemption, orders) and the mini-program (price preview):
 * what a coupon takes off an amount, and whether it may be used here and now.
 */
export type CouponKind = 'amount' | 'discount' | 'no_threshold' | 'gift';
/** `void`: taken away when the member closed the account (never usable again). */
export type CouponStatus = 'available' | 'locked' | 'sharing' | 'used' | 'expired' | 'void';

export interface CouponTerms {
  kind: CouponKind;
  /** amount and no_threshold: the fen taken off; gift: the gift's value (for settlement), may be null */
  valueFen: number | null;
  /** discount: what is paid, per mille (850 = 85折) */
  discountPermille: number | null;
  /** discount: cap of the discount in fen; null = no cap */
  maxDiscountFen: number | null;
  thresholdFen: number;
  usableAt: 'alliance' | 'merchant';
  merchantIds: string[];
  firstOrderOnly: boolean;
  validFrom: Date;
  validUntil: Date;
}

/**
 * Fen taken off `amountFen` (0 when the threshold is not met). A discount rounds the reduction down,
 * so the shopper never gets a fraction of a fen more than the rate; the reduction never exceeds the
 * amount.
 */
export function couponDiscountFen(
  terms: Pick<CouponTerms, 'kind' | 'valueFen' | 'discountPermille' | 'maxDiscountFen' | 'thresholdFen'>,
  amountFen: number,
): number {
  if (!Number.isSafeInteger(amountFen) || amountFen < 0)
    throw new Error('amountFen must be a non-negative integer');
  if (amountFen < terms.thresholdFen) return 0;
  switch (terms.kind) {
    case 'amount':
    case 'no_threshold':
      return Math.min(terms.valueFen ?? 0, amountFen);
    case 'discount': {
      const permille = terms.discountPermille ?? 1000;
      const off = Math.floor((amountFen * (1000 - permille)) / 1000);
      return Math.min(off, terms.maxDiscountFen ?? off, amountFen);
    }
    case 'gift':
      return 0;
  }
}

export type CouponUseRefusal =
  | { code: 'COUPON_NOT_AVAILABLE'; status: 409; message: string }
  | { code: 'COUPON_NOT_YET_VALID'; status: 422; message: string }
  | { code: 'COUPON_NOT_USABLE_HERE'; status: 422; message: string }
  | { code: 'THRESHOLD_NOT_MET'; status: 422; message: string }
  | { code: 'AMOUNT_REQUIRED'; status: 422; message: string }
  | { code: 'FIRST_ORDER_ONLY'; status: 422; message: string };

/**
 * Whether what a coupon takes off depends on the purchase amount (a discount's percentage, a
 * threshold to meet): such a coupon redeemed without the amount would be burnt for nothing, so the
 * counter must be told the amount.
 */
export function couponNeedsAmount(terms: Pick<CouponTerms, 'kind' | 'thresholdFen'>): boolean {
  return terms.kind === 'discount' || terms.thresholdFen > 0;
}

/** What the clerk is told when such a coupon is redeemed without the amount (null: none needed). */
export function amountRequiredMessage(terms: Pick<CouponTerms, 'kind' | 'thresholdFen'>): string | null {
  if (!couponNeedsAmount(terms)) return null;
  return terms.kind === 'discount'
    ? '折扣券需要填写消费金额'
    : `此券满 ${formatFen(terms.thresholdFen)} 可用，需要填写消费金额`;
}

/**
 * Why a coupon cannot be used at `merchantId` for `amountFen` now, or null when it can.
 * `amountFen` null means no purchase amount is known (a gift handed over at the counter).
 */
export function couponUseRefusal(
  coupon: CouponTerms & { status: CouponStatus },
  context: { merchantId: string; amountFen: number | null; now: Date; hasPurchased: boolean },
): CouponUseRefusal | null {
  // A first-order coupon retired by the member's first purchase says why, not just "not available".
  if (coupon.status === 'void' && coupon.firstOrderOnly && context.hasPurchased) {
    return { code: 'FIRST_ORDER_ONLY', status: 422, message: '此券仅限首单使用' };
  }
  if (effectiveCouponStatus(coupon.status, coupon.validUntil, context.now) !== 'available') {
    return { code: 'COUPON_NOT_AVAILABLE', status: 409, message: '该券当前不可用（已使用、转赠中或已过期）' };
  }
  if (context.now < coupon.validFrom)
    return { code: 'COUPON_NOT_YET_VALID', status: 422, message: '该券尚未到使用时间' };
  if (coupon.usableAt === 'merchant' && !coupon.merchantIds.includes(context.merchantId)) {
    return { code: 'COUPON_NOT_USABLE_HERE', status: 422, message: '此券不可在本店使用' };
  }
  const amountMissing = context.amountFen === null ? amountRequiredMessage(coupon) : null;
  if (amountMissing) return { code: 'AMOUNT_REQUIRED', status: 422, message: amountMissing };
  if (coupon.thresholdFen > 0 && (context.amountFen ?? 0) < coupon.thresholdFen) {
    return {
      code: 'THRESHOLD_NOT_MET',
      status: 422,
      message: `消费满 ${formatFen(coupon.thresholdFen)} 才可使用`,
    };
  }
  if (coupon.firstOrderOnly && context.hasPurchased) {
    return { code: 'FIRST_ORDER_ONLY', status: 422, message: '此券仅限首单使用' };
  }
  return null;
}

/**
 * Where members get a template's coupons: claimed in 领券中心 (`centre`, also issuable), or only
 * issued by the system (`issue_only`: referral rewards, mall coupons, campaigns). Join gifts are
 * issued on join whatever their channel.
 */
export const TEMPLATE_CHANNELS = ['centre', 'issue_only'] as const;
export type TemplateChannel = (typeof TEMPLATE_CHANNELS)[number];

/** Why a template cannot issue a coupon now (paused, none left, its fixed validity over), or null. */
export function templateIssueProblem(
  template: { status: 'active' | 'paused'; stock: number; issued: number; validUntil: Date | null },
  now: Date,
): 'paused' | 'out_of_stock' | 'expired' | null {
  if (template.status !== 'active') return 'paused';
  if (template.issued >= template.stock) return 'out_of_stock';
  if (template.validUntil && template.validUntil <= now) return 'expired';
  return null;
}

/**
 * How long a forwarded coupon waits for the friend before it goes back to the sender (never past the
 * coupon's own validity). The phone says it before the coupon is locked, the server enforces it.
 */
export const SHARE_LIFETIME_HOURS = 24;

/** A coupon past its validity reads as expired at once, before the expiry job writes it. */
export function effectiveCouponStatus(status: CouponStatus, validUntil: Date, now: Date): CouponStatus {
  if ((status === 'available' || status === 'sharing') && validUntil <= now) return 'expired';
  return status;
}

/** Validity of a claimed coupon: fixed dates, or N days from the claim (ending at the claim's moment + N days). */
export function couponValidity(
  template: { validDays: number | null; validFrom: Date | null; validUntil: Date | null },
  claimedAt: Date,
): { validFrom: Date; validUntil: Date } {
  if (template.validDays) {
    return {
      validFrom: claimedAt,
      validUntil: new Date(claimedAt.getTime() + template.validDays * 86_400_000),
    };
  }
  if (!template.validFrom || !template.validUntil) throw new Error('a template has validDays or fixed dates');
  return { validFrom: template.validFrom, validUntil: template.validUntil };
}

/** "满100减20", "无门槛减5元", "8.5折 最高减30", "赠品" — how a coupon's value reads on a ticket. */
export function describeCoupon(
  terms: Pick<CouponTerms, 'kind' | 'valueFen' | 'discountPermille' | 'maxDiscountFen' | 'thresholdFen'>,
): string {
  const yuan = formatYuanShort;
  switch (terms.kind) {
    case 'amount':
      return `满${yuan(terms.thresholdFen)}减${yuan(terms.valueFen ?? 0)}`;
    case 'no_threshold':
      return `无门槛减${yuan(terms.valueFen ?? 0)}元`;
    case 'discount': {
      const parts = [formatZhe(terms.discountPermille ?? 1000)];
      if (terms.thresholdFen > 0) parts.unshift(`满${yuan(terms.thresholdFen)}`);
      if (terms.maxDiscountFen) parts.push(`最高减${yuan(terms.maxDiscountFen)}`);
      return parts.join(' ');
    }
    case 'gift':
      return '兑换券';
  }
}
