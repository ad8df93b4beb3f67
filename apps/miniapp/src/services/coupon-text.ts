import type { Coupon } from '@allycard/contracts';
import { formatFen } from '@allycard/domain';

/** 880 → "8.8折" */
function discountText(permille: number): string {
  const tenths = Math.round(permille / 10);
  return `${Math.floor(tenths / 10)}${tenths % 10 ? '.' + (tenths % 10) : ''}折`;
}

/** The big figure on the left of a coupon. */
export function couponFace(coupon: Coupon): string {
  switch (coupon.kind) {
    case 'amount':
    case 'no_threshold':
      return coupon.valueFen !== null ? formatFen(coupon.valueFen) : '券';
    case 'discount':
      return coupon.discountPermille !== null ? discountText(coupon.discountPermille) : '折扣';
    case 'gift':
      return '兑换';
  }
}

/** The rule under the title: when it can be used. */
export function couponRule(coupon: Coupon): string {
  const parts: string[] = [];
  if (coupon.kind === 'gift') parts.push('到店兑换');
  else if (coupon.thresholdFen > 0) parts.push(`满${formatFen(coupon.thresholdFen)}可用`);
  else parts.push('无门槛');
  if (coupon.firstOrderOnly) parts.push('首单专享');
  parts.push(coupon.usableAt === 'alliance' ? '联盟通用' : '指定商户');
  return parts.join(' · ');
}

/** "2025-12-31 前有效" in the member's calendar (Asia/Shanghai). */
export function couponValidity(coupon: Coupon): string {
  const until = new Date(coupon.validUntil);
  if (Number.isNaN(until.getTime())) return '';
  const shanghai = new Date(until.getTime() + 8 * 3600 * 1000);
  const date = shanghai.toISOString().slice(0, 10);
  return `${date} 前有效`;
}
