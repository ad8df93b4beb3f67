import type { Order, OrderDetail, OrderStatus } from '@allycard/contracts';
import { formatFen } from '@allycard/domain';

/** An order's state in the member's (and the clerk's) words. */
export const ORDER_STATUS_TEXT: Record<OrderStatus, string> = {
  pending: '待支付',
  paid: '已支付',
  closed: '已关闭',
  refunded: '已退款',
  partially_refunded: '部分退款',
};

/** Everything taken off the price: tier discount, coupon and points. */
export function orderSavingsFen(
  order: Pick<Order, 'tierDiscountFen' | 'couponDiscountFen' | 'pointsDiscountFen'>,
): number {
  return order.tierDiscountFen + order.couponDiscountFen + order.pointsDiscountFen;
}

/** What can still be refunded, as far as the order says (refunds being settled are not in it yet). */
export function refundableFen(order: Pick<Order, 'status' | 'payableFen' | 'refundedFen'>): number {
  if (order.status !== 'paid' && order.status !== 'partially_refunded') return 0;
  return Math.max(0, order.payableFen - order.refundedFen);
}

/** "…0042 1234": the end of the trade number, enough to tell orders apart at the counter. */
/**
 * A paid order's refund in words: 退款中 while WeChat has not answered, 已退款 / 部分退款 once it did;
 * null when no refund was asked.
 */
export function refundState(
  order: Pick<OrderDetail, 'status' | 'refundSummary'>,
): { title: string; note: string } | null {
  const summary = order.refundSummary;
  if (!summary || (summary.processingFen <= 0 && summary.refundedFen <= 0)) return null;
  if (summary.processingFen > 0)
    return {
      title: '退款中',
      note: `${formatFen(summary.processingFen)} 正在退回，微信支付通常 1–3 个工作日到账`,
    };
  if (order.status === 'refunded')
    return { title: '已退款', note: `${formatFen(summary.refundedFen)} 已原路退回` };
  return { title: '部分退款', note: `已退回 ${formatFen(summary.refundedFen)}` };
}

export function shortTradeNo(outTradeNo: string): string {
  return outTradeNo.slice(-8);
}
