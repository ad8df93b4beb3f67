import { factories } from '../factories';
import { startTestApp, TestApp, TEST_DB } from '../harness';
import { paidOrders } from '../paid-orders';
import { eventually, notificationCrafter, payKeys, postNotification } from '../pay-helpers';
import { APP_CONFIG } from '../../src/common/config';
import { OrdersJobs } from '../../src/orders/orders.jobs';

/**
 * Two partial refunds that together refund everything, settling at the same moment (their
 * notifications and the query job at once): the order ends refunded with every effect reversed once
 * (invariant 6) — coupon back, points exact, the mall pickup cancelled.
 */
describe(`partial refunds settling at once (${TEST_DB})`, () => {
  let t: TestApp;
  let f: ReturnType<typeof factories>;
  let orders: ReturnType<typeof paidOrders>;
  let craft: ReturnType<typeof notificationCrafter>;
  let merchant: { id: string };
  let manager: { token: string };

  beforeAll(async () => {
    t = await startTestApp();
    f = factories(t);
    orders = paidOrders(t);
    craft = notificationCrafter(await payKeys(t));
    merchant = await f.merchant();
    manager = await f.staff(merchant.id, 'merchant_admin');
  });
  afterAll(() => t.close());

  const balance = async (token: string) => (await t.api('GET', '/me/points', { token })).body.balance;

  /**
   * Asks for the refunds one after the other while their notifications cannot arrive, waits until
   * WeChat has settled them, then lets every settlement path apply them at once.
   */
  async function refundAtOnce(order: { id: string; outTradeNo: string }, amounts: number[]) {
    const config = t.app.get(APP_CONFIG);
    const realUrl = config.publicUrl;
    config.publicUrl = 'http://127.0.0.1:9';
    try {
      for (const amountFen of amounts) {
        const res = await t.api('POST', `/staff/orders/${order.id}/refund`, {
          token: manager.token,
          body: { amountFen },
        });
        expect(res.status).toBe(200);
      }
    } finally {
      config.publicUrl = realUrl;
    }
    const remote = await eventually(
      async () => (await t.http('GET', `/sandbox/wechat/pay/${order.outTradeNo}`)).body.refunds,
      (refunds: { status: string }[]) =>
        refunds.length === amounts.length && refunds.every((r) => r.status === 'SUCCESS'),
    );
    const notices = remote.map((r: any) =>
      craft.build(
        {
          mchid: craft.transaction(order.outTradeNo, 0).mchid,
          out_trade_no: order.outTradeNo,
          transaction_id: r.transaction_id,
          out_refund_no: r.out_refund_no,
          refund_id: r.refund_id,
          refund_status: 'SUCCESS',
          success_time: r.success_time,
          amount: {
            total: r.amount.total,
            refund: r.amount.refund,
            payer_total: r.amount.total,
            payer_refund: r.amount.refund,
          },
          user_received_account: '支付用户零钱',
        },
        { eventType: 'REFUND.SUCCESS', associatedData: 'refund' },
      ),
    );
    const jobs = t.app.get(OrdersJobs);
    const later = new Date(Date.now() + 6 * 60_000);
    await Promise.all([
      ...notices.map((n: { body: string; headers: Record<string, string> }) => postNotification(t, n)),
      ...notices.map((n: { body: string; headers: Record<string, string> }) => postNotification(t, n)),
      jobs.settleRefunds(later),
      jobs.settleRefunds(later),
    ]);
  }

  it('ends refunded with the coupon back and the points exact, however the two halves interleave', async () => {
    for (let round = 0; round < 4; round++) {
      const m = await f.member();
      const clerk = await f.staff(merchant.id);
      await f.purchase(clerk.token, m.token, 10_000); // 100 points
      const coupon = await f.claim(m.token, (await f.template({ kind: 'no_threshold', valueFen: 1_000 })).id);
      const paid = await orders.pay(m.token, {
        merchantId: merchant.id,
        amountFen: 11_000,
        couponId: coupon.id,
        points: 100,
      });
      expect(paid).toMatchObject({ payableFen: 9_900, pointsUsed: 100, pointsEarned: 99 });
      expect(await balance(m.token)).toBe(99);

      await refundAtOnce(paid, [3_300 + round * 100, 6_600 - round * 100]);

      expect(await orders.get(m.token, paid.id)).toMatchObject({ status: 'refunded', refundedFen: 9_900 });
      expect((await t.api('GET', `/me/coupons/${coupon.id}`, { token: m.token })).body.status).toBe(
        'available',
      );
      expect(await balance(m.token)).toBe(100);
      const refunds = await t.dataSource.query(
        'SELECT status, points_clawed_back, points_returned, coupon_returned FROM refunds WHERE order_id = ?',
        [paid.id],
      );
      expect(refunds.map((r: any) => r.status)).toEqual(['succeeded', 'succeeded']);
      expect(refunds.reduce((s: number, r: any) => s + Number(r.points_clawed_back), 0)).toBe(99);
      expect(refunds.reduce((s: number, r: any) => s + Number(r.points_returned), 0)).toBe(100);
      expect(refunds.filter((r: any) => Number(r.coupon_returned) === 1)).toHaveLength(1);
    }
    expect((await t.api('GET', '/admin/invariants', { token: await f.adminToken() })).body.ok).toBe(true);
  });

  it('cancels the mall exchange whose cash part two partial refunds return in full', async () => {
    const m = await f.member();
    const clerk = await f.staff(merchant.id);
    await f.purchase(clerk.token, m.token, 50_000); // 500 points
    const item = await f.mallItem({ pointsPrice: 200, cashFen: 3_900, stock: 5, merchantId: merchant.id });
    const redeemed = (
      await t.api('POST', `/mall/items/${item.id}/redeem`, { token: m.token, body: { quantity: 1 } })
    ).body;
    const payment = await orders.get(m.token, redeemed.paymentOrderId);
    await t.http('POST', `/sandbox/wechat/pay/${payment.outTradeNo}/confirm`);
    const [mine] = (await t.api('GET', '/me/mall-orders', { token: m.token })).body;
    expect(mine.status).toBe('awaiting_pickup');

    await refundAtOnce(payment, [1_900, 2_000]);

    expect(await orders.get(m.token, payment.id)).toMatchObject({ status: 'refunded', refundedFen: 3_900 });
    expect((await t.api('GET', '/me/mall-orders', { token: m.token })).body[0].status).toBe('cancelled');
    const pickup = await t.api('POST', '/staff/pickups', {
      token: clerk.token,
      body: { pickupCode: mine.pickupCode },
    });
    expect(pickup.status).toBeGreaterThanOrEqual(400);
    expect(pickup.status).toBeLessThan(500);
    expect(await balance(m.token)).toBe(500);
    expect((await t.api('GET', '/admin/invariants', { token: await f.adminToken() })).body.ok).toBe(true);
  });
});
