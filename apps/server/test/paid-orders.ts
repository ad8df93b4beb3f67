import type { TestApp } from './harness';
import { eventually, notificationCrafter, payKeys, postNotification } from './pay-helpers';

/**
 * Orders paid through the WeChat sandbox, optionally at a chosen time: WeChat's notification carries
 * `success_time` (a late notification after a month's end is dated when the payment happened), then the
 * sandbox's own payer confirms, so its ledger knows the payment and later refunds go through.
 */
export function paidOrders(t: TestApp) {
  let craft: ReturnType<typeof notificationCrafter> | null = null;

  const get = (token: string, id: string) => t.api('GET', `/orders/${id}`, { token }).then((r) => r.body);

  return {
    async pay(
      memberToken: string,
      body: { merchantId: string; amountFen: number; couponId?: string; points?: number },
      paidAt?: Date,
    ) {
      const created = await t.api('POST', '/orders', { token: memberToken, body });
      if (created.status !== 201) throw new Error(`order: ${created.status} ${JSON.stringify(created.body)}`);
      const order = created.body.order;
      if (order.status === 'pending') {
        if (paidAt) {
          craft ??= notificationCrafter(await payKeys(t));
          const notice = craft.build(
            craft.transaction(order.outTradeNo, order.payableFen, { success_time: paidAt.toISOString() }),
          );
          const res = await postNotification(t, notice);
          if (res.status !== 200 && res.status !== 204)
            throw new Error(`notify: ${res.status} ${JSON.stringify(res.body)}`);
        }
        await t.http('POST', `/sandbox/wechat/pay/${order.outTradeNo}/confirm`);
      }
      const paid = await get(memberToken, order.id);
      if (paid.status !== 'paid') throw new Error(`order not paid: ${JSON.stringify(paid)}`);
      return paid;
    },
    /** Waits until WeChat's refund notifications have brought the order to `refundedFen`. */
    settled(memberToken: string, orderId: string, refundedFen: number) {
      return eventually(
        () => get(memberToken, orderId),
        (o) => o.refundedFen === refundedFen,
      );
    },
    get,
  };
}
