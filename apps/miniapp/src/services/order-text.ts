import type { Order, OrderStatus } from '@allycard/contracts';

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
export function shortTradeNo(outTradeNo: string): string {
  return outTradeNo.slice(-8);
}
