import type { CouponKind } from '@allycard/contracts';
import type { CouponTemplate } from '@allycard/contracts';
import { formatFen, formatZhe } from '../../lib/money';
import { formatDate } from '../../lib/format';

export const KIND_LABEL: Record<CouponKind, string> = {
  amount: '满减券',
  no_threshold: '无门槛券',
  discount: '折扣券',
  gift: '兑换券',
};

export const KIND_COLOR: Record<CouponKind, string> = {
  amount: 'orange',
  no_threshold: 'green',
  discount: 'purple',
  gift: 'cyan',
};

type Terms = Pick<
  CouponTemplate,
  'kind' | 'valueFen' | 'discountPermille' | 'maxDiscountFen' | 'thresholdFen'
>;

/** "满¥50.00减¥10.00", "无门槛减¥5.00", "8.5折，最多减¥20.00", "兑换券（价值¥15.00）". */
export function termsText(t: Terms): string {
  const threshold = t.thresholdFen > 0 ? `满${formatFen(t.thresholdFen)}` : '';
  switch (t.kind) {
    case 'amount':
      return `满${formatFen(t.thresholdFen)}减${formatFen(t.valueFen ?? 0)}`;
    case 'no_threshold':
      return `无门槛减${formatFen(t.valueFen ?? 0)}`;
    case 'discount':
      return [
        threshold,
        formatZhe(t.discountPermille),
        t.maxDiscountFen ? `最多减${formatFen(t.maxDiscountFen)}` : '',
      ]
        .filter(Boolean)
        .join('，');
    case 'gift':
      return [
        t.valueFen ? `兑换（价值${formatFen(t.valueFen)}）` : '兑换',
        threshold ? `${threshold}可用` : '',
      ]
        .filter(Boolean)
        .join('，');
  }
}

export function validityText(t: Pick<CouponTemplate, 'validDays' | 'validFrom' | 'validUntil'>): string {
  if (t.validDays) return `领取后 ${t.validDays} 天`;
  return `${formatDate(t.validFrom)} 至 ${formatDate(t.validUntil)}`;
}
