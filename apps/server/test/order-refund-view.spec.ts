import { factories } from './factories';
import { startTestApp, TestApp, TEST_DB } from './harness';
import { paidOrders } from './paid-orders';
import { APP_CONFIG, AppConfig } from '../src/common/config';

/** What the order answers say about refunds: in progress, partial, full, with their points and coupon. */
describe(`order refund view (${TEST_DB})`, () => {
  let t: TestApp;
  let f: ReturnType<typeof factories>;
  let orders: ReturnType<typeof paidOrders>;
  let merchant: { id: string };
  let manager: { token: string };

  beforeAll(async () => {
    t = await startTestApp();
    f = factories(t);
    orders = paidOrders(t);
    merchant = await f.merchant();
    manager = await f.staff(merchant.id, 'merchant_admin');
  });
  afterAll(() => t.close());

  const refund = (id: string, body: object = {}) =>
    t.api('POST', `/staff/orders/${id}/refund`, { token: manager.token, body });
  const listed = async (path: string, token: string, id: string) =>
    (await t.api('GET', path, { token })).body.find((o: any) => o.id === id);

  it('answers no refund for an order never refunded', async () => {
    const m = await f.member();
    const paid = await orders.pay(m.token, { merchantId: merchant.id, amountFen: 2_000 });
    expect(paid.refundSummary).toBeNull();
    expect((await listed('/orders', m.token, paid.id)).refundSummary).toBeNull();
    expect((await listed('/staff/orders', manager.token, paid.id)).refundSummary).toBeNull();
  });

  it('shows a partial refund, then the full one, with the points and the coupon, to the member and the merchant', async () => {
    const m = await f.member();
    const clerk = await f.staff(merchant.id);
    await f.purchase(clerk.token, m.token, 20_000); // points to spend
    const coupon = await f.claim(m.token, (await f.template({ valueFen: 500 })).id);
    const paid = await orders.pay(m.token, {
      merchantId: merchant.id,
      amountFen: 10_000,
      couponId: coupon.id,
      points: 100,
    });
    expect(paid.pointsEarned).toBeGreaterThan(0);
    expect(paid.pointsUsed).toBe(100);

    expect((await refund(paid.id, { amountFen: paid.payableFen - 1_000 })).status).toBe(200);
    const partial = await orders.settled(m.token, paid.id, paid.payableFen - 1_000);
    expect(partial.status).toBe('partially_refunded');
    expect(partial.refundSummary).toMatchObject({
      processingFen: 0,
      refundedFen: paid.payableFen - 1_000,
      couponReturned: false,
    });
    expect(partial.refundSummary.pointsClawedBack).toBeGreaterThan(0);
    expect(partial.refundSummary.pointsReturned).toBeGreaterThan(0);
    expect(Date.parse(partial.refundSummary.refundedAt)).not.toBeNaN();

    expect((await refund(paid.id)).status).toBe(200);
    const full = await orders.settled(m.token, paid.id, paid.payableFen);
    expect(full.status).toBe('refunded');
    // every earned point back, every spent point given back, and the still valid coupon returned
    expect(full.refundSummary).toMatchObject({
      processingFen: 0,
      refundedFen: paid.payableFen,
      pointsClawedBack: paid.pointsEarned,
      pointsReturned: 100,
      couponReturned: true,
    });
    expect((await listed('/orders', m.token, paid.id)).refundSummary).toEqual(full.refundSummary);
    expect((await listed('/staff/orders', manager.token, paid.id)).refundSummary).toEqual(full.refundSummary);
  });

  it('shows a refund WeChat has not settled yet as processing, leaving WeChat’s refusals out', async () => {
    const config = t.app.get<AppConfig>(APP_CONFIG);
    const m = await f.member();
    const paid = await orders.pay(m.token, { merchantId: merchant.id, amountFen: 3_000 });
    const realBase = config.wechat.apiBase;
    config.wechat.apiBase = 'http://127.0.0.1:9'; // WeChat unreachable: the answer is unknown
    try {
      expect((await refund(paid.id, { amountFen: 1_200 })).status).toBe(200);
    } finally {
      config.wechat.apiBase = realBase;
    }
    const processing = await orders.get(m.token, paid.id);
    expect(processing.status).toBe('paid');
    expect(processing.refundSummary).toMatchObject({
      processingFen: 1_200,
      refundedFen: 0,
      pointsClawedBack: 0,
      couponReturned: false,
      refundedAt: null,
    });
    // a refused refund counts for nothing
    await t.dataSource.query("UPDATE refunds SET status = 'failed' WHERE order_id = ?", [paid.id]);
    expect((await orders.get(m.token, paid.id)).refundSummary).toBeNull();
  });
});
