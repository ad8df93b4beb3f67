import type { CouponKind, CouponStatus, UsableAt } from '@allycard/contracts';
import { describeCoupon, formatYuanShort, formatZhe } from '@allycard/domain';
import { formatDate } from './dates';
import type { Offer, WalletCoupon } from '@allycard/contracts';

/** What coupons and offers (templates) share for showing their value and rules. */
interface CouponTerms {
  kind: CouponKind;
  valueFen: number | null;
  discountPermille: number | null;
  maxDiscountFen?: number | null;
  thresholdFen: number;
  firstOrderOnly: boolean;
  description?: string;
}

/** The big figure on the left of a coupon, as shelves print it: ¥8, ¥8.5, 8.8折. */
export function couponFace(coupon: CouponTerms): string {
  switch (coupon.kind) {
    case 'amount':
    case 'no_threshold':
      return coupon.valueFen !== null ? `¥${formatYuanShort(coupon.valueFen)}` : '券';
    case 'discount':
      return coupon.discountPermille !== null ? formatZhe(coupon.discountPermille) : '折扣';
    case 'gift':
      return '兑换';
  }
}

/** The small line under the figure: when the coupon can be used (满50可用). */
export function couponCondition(coupon: CouponTerms): string {
  if (coupon.kind === 'gift') return '到店兑换';
  return coupon.thresholdFen > 0 ? `满${formatYuanShort(coupon.thresholdFen)}可用` : '无门槛';
}

/** The rule in words: the server's description ("满100减20"), or the domain's from the terms. */
export function couponDescription(coupon: CouponTerms): string {
  if (coupon.description) return coupon.description;
  return coupon.kind === 'gift'
    ? '到店兑换礼品'
    : describeCoupon({ ...coupon, maxDiscountFen: coupon.maxDiscountFen ?? null });
}

/** "有效期至 2026-12-01" in the member's calendar (Asia/Shanghai). */
export function couponValidity(coupon: { validUntil: string }): string {
  const date = formatDate(coupon.validUntil);
  return date ? `有效期至 ${date}` : '';
}

/** An offer's validity before it is claimed: N days from claiming, or fixed dates. */
export function offerValidity(offer: Pick<Offer, 'validDays' | 'validUntil'>): string {
  if (offer.validDays) return `领取后 ${offer.validDays} 天内有效`;
  return offer.validUntil ? couponValidity({ validUntil: offer.validUntil }) : '';
}

/** Where it can be used: "全联盟通用", "老街咖啡、面包房可用", "老街咖啡等 4 家可用". */
export function usableText(
  coupon: { usableAt: UsableAt; merchantIds: string[] },
  merchantNames: Map<string, string>,
): string {
  if (coupon.usableAt === 'alliance') return '全联盟通用';
  const names = coupon.merchantIds.map((id) => merchantNames.get(String(id))).filter(Boolean) as string[];
  if (!names.length) return '指定商户可用';
  if (names.length <= 2 && names.length === coupon.merchantIds.length) return `${names.join('、')}可用`;
  return `${names[0]}等 ${coupon.merchantIds.length} 家可用`;
}

/** Small tags: 首单专享, 可转赠, 好友赠送. */
export function couponTags(
  coupon: CouponTerms & { forwardable: boolean; receivedFrom?: string | null },
): string[] {
  const tags: string[] = [];
  if (coupon.firstOrderOnly) tags.push('首单专享');
  if (coupon.forwardable) tags.push('可转赠');
  if (coupon.receivedFrom) tags.push('好友赠送');
  return tags;
}

/** A word for states other than available, shown over the coupon. */
export const COUPON_STATUS_TEXT: Record<CouponStatus, string> = {
  available: '可使用',
  locked: '使用中',
  sharing: '转赠中',
  used: '已使用',
  expired: '已过期',
  // retired: a first-order coupon after the member's first purchase, or an account's at closure
  void: '已失效',
};

/** The state in words, with the reason where the stamp alone would puzzle the shopper. */
export function couponStatusLine(coupon: Pick<WalletCoupon, 'status' | 'firstOrderOnly'>): string {
  if (coupon.status === 'void' && coupon.firstOrderOnly) return '已失效：首单已完成，此券仅限首单使用';
  return COUPON_STATUS_TEXT[coupon.status];
}

/** Whether a coupon can be forwarded right now. */
export function canForward(coupon: WalletCoupon): boolean {
  return coupon.status === 'available' && coupon.forwardable && !coupon.receivedFrom;
}

/**
 * The join page's 入会有礼 line, naming what joining gives: one gift by its value and title, several
 * by their count and total; null while unknown (the page keeps a general line).
 */
export function joinGiftLine(gifts: Offer[]): string | null {
  if (!gifts.length) return null;
  if (gifts.length === 1) return `入会即送 ${couponFace(gifts[0])}「${gifts[0].title}」`;
  const values = gifts.map((g) => (g.kind === 'amount' || g.kind === 'no_threshold' ? g.valueFen : null));
  const total = values.every((v) => v !== null) ? values.reduce((sum, v) => sum + (v ?? 0), 0) : null;
  return `入会即送 ${gifts.length} 张券${total ? `，共 ¥${formatYuanShort(total)}` : ''}`;
}
