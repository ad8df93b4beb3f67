import { createPublicKey, createVerify } from 'node:crypto';
import { expectEnvelope, factories } from './factories';
import { startTestApp, TestApp, TEST_DB } from './harness';
import { eventually, notificationCrafter, payKeys, postNotification, SandboxPayKeys } from './pay-helpers';
import { OrdersJobs } from '../src/orders/orders.jobs';

describe(`orders and WeChat Pay (${TEST_DB})`, () => {
  let t: TestApp;
  let f: ReturnType<typeof factories>;
  let keys: SandboxPayKeys;
  let craft: ReturnType<typeof notificationCrafter>;
  let merchant: { id: string; name: string };
  let clerk: { token: string };

  beforeAll(async () => {
    t = await startTestApp();
    f = factories(t);
    keys = await payKeys(t);
    craft = notificationCrafter(keys);
    merchant = await f.merchant('街角咖啡');
    clerk = await f.staff(merchant.id);
  });
  afterAll(() => t.close());

  const order = (token: string, body: object, headers: Record<string, string> = {}) =>
    t.api('POST', '/orders', { token, body, headers });
  const getOrder = (token: string, id: string) =>
    t.api('GET', `/orders/${id}`, { token }).then((r) => r.body);
  const confirm = (outTradeNo: string) => t.http('POST', `/sandbox/wechat/pay/${outTradeNo}/confirm`);
  const count = async (sql: string, params: unknown[] = []) =>
    Number((await t.dataSource.query(sql, params))[0].n);
  const invariantsOk = async () =>
    (await t.api('GET', '/admin/invariants', { token: await f.adminToken() })).body.ok;

  /** A member with points from a counter purchase, and a coupon. */
  async function shopper(options: { pointsFen?: number; coupon?: Record<string, unknown> } = {}) {
    const m = await f.member();
    if (options.pointsFen) await f.purchase(clerk.token, m.token, options.pointsFen);
    const coupon = options.coupon ? await f.claim(m.token, (await f.template(options.coupon)).id) : null;
    return { ...m, coupon };
  }

  describe('pricing', () => {
    it('previews tier discount, coupon and points without storing anything', async () => {
      const m = await shopper({
        pointsFen: 50_000,
        coupon: { kind: 'amount', valueFen: 2000, thresholdFen: 10_000 },
      });
      const before = await count('SELECT COUNT(*) AS n FROM orders');
      const res = await t.api('POST', '/orders/preview', {
        token: m.token,
        body: { merchantId: merchant.id, amountFen: 12_000, couponId: m.coupon!.id, points: 10_000 },
      });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        amountFen: 12_000,
        tierDiscountFen: 0,
        couponDiscountFen: 2000,
        pointsUsed: 500,
        pointsDiscountFen: 500,
        payableFen: 9500,
      });
      expect(await count('SELECT COUNT(*) AS n FROM orders')).toBe(before);
    });

    it('refuses a coupon below its threshold, of another member, or elsewhere', async () => {
      const m = await shopper({ coupon: { kind: 'amount', valueFen: 2000, thresholdFen: 10_000 } });
      const other = await f.member();
      expectEnvelope(
        await t.api('POST', '/orders/preview', {
          token: m.token,
          body: { merchantId: merchant.id, amountFen: 9_000, couponId: m.coupon!.id },
        }),
        422,
        'THRESHOLD_NOT_MET',
      );
      expectEnvelope(
        await t.api('POST', '/orders/preview', {
          token: other.token,
          body: { merchantId: merchant.id, amountFen: 20_000, couponId: m.coupon!.id },
        }),
        404,
        'NOT_FOUND',
      );
      const elsewhere = await f.merchant();
      const onlyThere = await shopper({ coupon: { usableAt: 'merchant', merchantIds: [elsewhere.id] } });
      expectEnvelope(
        await t.api('POST', '/orders/preview', {
          token: onlyThere.token,
          body: { merchantId: merchant.id, amountFen: 2_000, couponId: onlyThere.coupon!.id },
        }),
        422,
        'COUPON_NOT_USABLE_HERE',
      );
      expectEnvelope(
        await t.api('POST', '/orders/preview', {
          token: m.token,
          body: { merchantId: '999999', amountFen: 2_000 },
        }),
        404,
        'NOT_FOUND',
      );
      expectEnvelope(
        await t.api('POST', '/orders/preview', {
          token: m.token,
          body: { merchantId: merchant.id, amountFen: 0 },
        }),
        400,
        'VALIDATION_FAILED',
      );
      expectEnvelope(
        await t.api('POST', '/orders/preview', {
          token: m.token,
          body: { merchantId: merchant.id, amountFen: 100, payableFen: 1 },
        }),
        400,
        'VALIDATION_FAILED',
      );
    });
  });

  describe('paying', () => {
    it('creates a pending order with signed JSAPI params, locking the coupon and the points', async () => {
      const m = await shopper({
        pointsFen: 20_000,
        coupon: { kind: 'no_threshold', valueFen: 500, thresholdFen: 0 },
      });
      const res = await order(m.token, {
        merchantId: merchant.id,
        amountFen: 3_000,
        couponId: m.coupon!.id,
        points: 100,
      });
      expect(res.status).toBe(201);
      expect(res.body.order).toMatchObject({
        status: 'pending',
        couponDiscountFen: 500,
        pointsUsed: 100,
        payableFen: 2_400,
        couponId: m.coupon!.id,
        paidAt: null,
      });
      const p = res.body.payParams;
      expect(p.package).toMatch(/^prepay_id=/);
      const verify = createVerify('RSA-SHA256').update(
        `${keys.appid}\n${p.timeStamp}\n${p.nonceStr}\n${p.package}\n`,
      );
      expect(verify.verify(createPublicKey(keys.merchantPublicKeyPem), p.paySign, 'base64')).toBe(true);
      expect((await t.api('GET', `/me/coupons/${m.coupon!.id}`, { token: m.token })).body.status).toBe(
        'locked',
      );
      expect((await t.api('GET', '/me/points', { token: m.token })).body.balance).toBe(100);
      const remote = (await t.http('GET', `/sandbox/wechat/pay/${res.body.order.outTradeNo}`)).body;
      expect(remote.amount.total).toBe(2_400);
    });

    it('applies a confirmed payment once: paid, coupon used, points earned, first purchase', async () => {
      const m = await shopper({
        coupon: { kind: 'no_threshold', valueFen: 1000, thresholdFen: 0, firstOrderOnly: true },
      });
      const created = (
        await order(m.token, { merchantId: merchant.id, amountFen: 12_800, couponId: m.coupon!.id })
      ).body.order;
      const delivered = await confirm(created.outTradeNo);
      expect(delivered.body).toMatchObject({ delivered: true, httpStatus: 204 });
      const paid = await getOrder(m.token, created.id);
      expect(paid).toMatchObject({ status: 'paid', payableFen: 11_800, pointsEarned: 118 });
      expect(paid.paidAt).toBeTruthy();
      expect((await t.api('GET', `/me/coupons/${m.coupon!.id}`, { token: m.token })).body.status).toBe(
        'used',
      );
      expect((await t.api('GET', '/me', { token: m.token })).body.points).toBe(118);
      expect(await invariantsOk()).toBe(true);
    });

    it('20 concurrent redeliveries of one notification have the effect of one (invariant 5)', async () => {
      const m = await shopper();
      const created = (await order(m.token, { merchantId: merchant.id, amountFen: 5_000 })).body.order;
      await confirm(created.outTradeNo);
      const again = await Promise.all(
        Array.from({ length: 20 }, () =>
          t.http('POST', `/sandbox/wechat/pay/${created.outTradeNo}/redeliver`),
        ),
      );
      expect(again.every((r) => r.body.httpStatus === 204)).toBe(true);
      expect((await t.api('GET', '/me', { token: m.token })).body.points).toBe(50);
      expect(
        await count(
          "SELECT COUNT(*) AS n FROM points_transactions WHERE source_type = 'order' AND source_id = ?",
          [created.id],
        ),
      ).toBe(1);
      expect(await count('SELECT COUNT(*) AS n FROM spend_entries WHERE source_id = ?', [created.id])).toBe(
        1,
      );
    });

    it('pays an order covered by coupon and points at once, without WeChat Pay', async () => {
      const m = await shopper({
        pointsFen: 100_000,
        coupon: { kind: 'no_threshold', valueFen: 1000, thresholdFen: 0 },
      });
      const res = await order(m.token, { merchantId: merchant.id, amountFen: 1_000, couponId: m.coupon!.id });
      expect(res.body.payParams).toBeNull();
      expect(res.body.order).toMatchObject({ status: 'paid', payableFen: 0 });
    });

    it('replays POST /orders with the same Idempotency-Key', async () => {
      const m = await shopper();
      const headers = { 'idempotency-key': `o-${f.unique()}` };
      const a = await order(m.token, { merchantId: merchant.id, amountFen: 1_500 }, headers);
      const b = await order(m.token, { merchantId: merchant.id, amountFen: 1_500 }, headers);
      expect(b.body).toEqual(a.body);
      expect(await count('SELECT COUNT(*) AS n FROM orders WHERE member_id = ?', [m.member.id])).toBe(1);
      expectEnvelope(
        await order(m.token, { merchantId: merchant.id, amountFen: 1_600 }, headers),
        409,
        'IDEMPOTENCY_CONFLICT',
      );
    });

    it('never shows another member’s order', async () => {
      const m = await shopper();
      const other = await f.member();
      const created = (await order(m.token, { merchantId: merchant.id, amountFen: 1_000 })).body.order;
      expectEnvelope(await t.api('GET', `/orders/${created.id}`, { token: other.token }), 404, 'NOT_FOUND');
    });
  });

  describe('notification verification', () => {
    let pending: { id: string; outTradeNo: string; payableFen: number };
    let memberToken: string;
    beforeAll(async () => {
      const m = await shopper();
      memberToken = m.token;
      pending = (await order(m.token, { merchantId: merchant.id, amountFen: 2_000 })).body.order;
    });
    const stillPending = async () => expect((await getOrder(memberToken, pending.id)).status).toBe('pending');

    it.each([
      ['a wrong signing key', () => ({ signWith: craft.otherKey() })],
      ['a tampered body', () => ({ tamper: (b: string) => b.replace('支付成功', '支付失败') })],
      ['a stale timestamp', () => ({ timestamp: Math.floor(Date.now() / 1000) - 301 })],
      // 30 s past the 5-minute window: a future time comes closer while the request travels, and a
      // busy test machine took over a second (+301 let it in once).
      ['a future timestamp', () => ({ timestamp: Math.floor(Date.now() / 1000) + 330 })],
      ['an unknown serial', () => ({ serial: 'ABCDEF0123456789ABCDEF0123456789ABCDEF01' })],
      ['an unknown public key id', () => ({ serial: 'PUB_KEY_ID_0000000000000000000000000000' })],
    ])('rejects %s with 401 and changes nothing', async (_, options) => {
      const n = craft.build(craft.transaction(pending.outTradeNo, pending.payableFen), options());
      expectEnvelope(await postNotification(t, n), 401, 'UNAUTHENTICATED');
      await stillPending();
    });

    it('rejects a tampered ciphertext or tag even when the envelope is re-signed', async () => {
      const good = craft.build(craft.transaction(pending.outTradeNo, pending.payableFen));
      const parsed = JSON.parse(good.body);
      const bytes = Buffer.from(parsed.resource.ciphertext, 'base64');
      bytes[bytes.length - 1] ^= 1; // flip a bit of the GCM tag
      parsed.resource.ciphertext = bytes.toString('base64');
      const { createSign } = await import('node:crypto');
      const body = JSON.stringify(parsed);
      const signature = createSign('RSA-SHA256')
        .update(`${good.headers['wechatpay-timestamp']}\n${good.headers['wechatpay-nonce']}\n${body}\n`)
        .sign(keys.platformPrivateKeyPem, 'base64');
      expectEnvelope(
        await postNotification(t, { body, headers: { ...good.headers, 'wechatpay-signature': signature } }),
        401,
        'UNAUTHENTICATED',
      );
      await stillPending();
    });

    it('rejects missing headers and a notification for another appid or mchid', async () => {
      const n = craft.build(craft.transaction(pending.outTradeNo, pending.payableFen));
      for (const h of ['wechatpay-signature', 'wechatpay-timestamp', 'wechatpay-nonce', 'wechatpay-serial']) {
        const headers: Record<string, string> = { ...n.headers };
        delete headers[h];
        expectEnvelope(await postNotification(t, { body: n.body, headers }), 401, 'UNAUTHENTICATED');
      }
      expectEnvelope(
        await postNotification(
          t,
          craft.build(craft.transaction(pending.outTradeNo, pending.payableFen, { mchid: '1999999999' })),
        ),
        401,
      );
      expectEnvelope(
        await postNotification(
          t,
          craft.build(
            craft.transaction(pending.outTradeNo, pending.payableFen, { appid: 'wx_someone_else' }),
          ),
        ),
        401,
      );
      await stillPending();
    });

    it('does not download certificates in a storm when serials are unknown', async () => {
      const { WechatPayClient } = await import('../src/wechat/wechat-pay.client');
      const client = t.app.get(WechatPayClient);
      const download = jest.spyOn(
        client as unknown as { downloadCertificates: () => Promise<unknown> },
        'downloadCertificates',
      );
      const forged = Array.from({ length: 20 }, (_, i) =>
        craft.build(craft.transaction(pending.outTradeNo, pending.payableFen), {
          serial: `FORGED${String(i).padStart(34, '0')}`,
        }),
      );
      const results = await Promise.all(forged.map((n) => postNotification(t, n)));
      expect(results.every((r) => r.status === 401)).toBe(true);
      expect(download.mock.calls.length).toBeLessThanOrEqual(1);
      download.mockRestore();
      await stillPending();
    });

    it('flags an amount mismatch and does not pay', async () => {
      const res = await postNotification(
        t,
        craft.build(craft.transaction(pending.outTradeNo, pending.payableFen - 1)),
      );
      expect(res.status).toBe(204);
      await stillPending();
      const [row] = await t.dataSource.query('SELECT flag FROM orders WHERE id = ?', [pending.id]);
      expect(row.flag).toBe('amount_mismatch');
    });

    it('accepts a genuine notification in certificate mode and in public-key mode, Chinese text included', async () => {
      for (const mode of ['certificate', 'public_key'] as const) {
        await t.http('POST', '/sandbox/wechat/pay/platform-mode', { body: { mode } });
        const k = await payKeys(t);
        expect(k.platformMode).toBe(mode);
        if (mode === 'public_key') expect(k.wechatpaySerial).toMatch(/^PUB_KEY_ID_/);
        const m = await shopper();
        const created = (await order(m.token, { merchantId: merchant.id, amountFen: 1_200 })).body.order;
        const n = notificationCrafter(k).build(
          notificationCrafter(k).transaction(created.outTradeNo, created.payableFen, {
            attach: '街角咖啡·会员买单',
          }),
        );
        expect((await postNotification(t, n)).status).toBe(204);
        expect((await getOrder(m.token, created.id)).status).toBe('paid');
      }
      await t.http('POST', '/sandbox/wechat/pay/platform-mode', { body: { mode: 'certificate' } });
    });
  });

  describe('stale orders', () => {
    it('closes an order unpaid after 15 minutes, giving back the coupon and the points', async () => {
      const m = await shopper({
        pointsFen: 20_000,
        coupon: { kind: 'no_threshold', valueFen: 300, thresholdFen: 0 },
      });
      const created = (
        await order(m.token, {
          merchantId: merchant.id,
          amountFen: 2_000,
          couponId: m.coupon!.id,
          points: 200,
        })
      ).body.order;
      expect((await t.api('GET', '/me/points', { token: m.token })).body.balance).toBe(0);
      const jobs = t.app.get(OrdersJobs);
      expect((await jobs.settleStale(new Date())).closed).toBe(0);
      const result = await jobs.settleStale(new Date(Date.now() + 16 * 60_000));
      expect(result.closed).toBeGreaterThanOrEqual(1);
      expect((await getOrder(m.token, created.id)).status).toBe('closed');
      expect((await t.api('GET', `/me/coupons/${m.coupon!.id}`, { token: m.token })).body.status).toBe(
        'available',
      );
      expect((await t.api('GET', '/me/points', { token: m.token })).body.balance).toBe(200);
      expect((await t.http('GET', `/sandbox/wechat/pay/${created.outTradeNo}`)).body.trade_state).toBe(
        'CLOSED',
      );
      expect(await invariantsOk()).toBe(true);
    });
  });

  describe('WeChat unreachable', () => {
    it('treats a network failure as unknown: the stale-order job leaves the order pending and retries later', async () => {
      const { APP_CONFIG } = await import('../src/common/config');
      const config = t.app.get(APP_CONFIG);
      const m = await shopper();
      const created = (await order(m.token, { merchantId: merchant.id, amountFen: 1_000 })).body.order;
      const realBase = config.wechat.apiBase;
      config.wechat.apiBase = 'http://127.0.0.1:9'; // nothing listens: connection refused
      try {
        const result = await t.app.get(OrdersJobs).settleStale(new Date(Date.now() + 16 * 60_000));
        expect(result.unknown).toBeGreaterThanOrEqual(1);
        expect((await getOrder(m.token, created.id)).status).toBe('pending');
      } finally {
        config.wechat.apiBase = realBase;
      }
      await t.app.get(OrdersJobs).settleStale(new Date(Date.now() + 16 * 60_000));
      expect((await getOrder(m.token, created.id)).status).toBe('closed');
    });
  });

  describe('refunds', () => {
    async function paidOrder() {
      const m = await shopper({
        pointsFen: 10_000,
        coupon: { kind: 'no_threshold', valueFen: 1000, thresholdFen: 0 },
      });
      const created = (
        await order(m.token, {
          merchantId: merchant.id,
          amountFen: 11_000,
          couponId: m.coupon!.id,
          points: 100,
        })
      ).body.order;
      await confirm(created.outTradeNo);
      return { m, order: await getOrder(m.token, created.id) };
    }
    const refund = (id: string, body: object = {}, token = clerk.token) =>
      t.api('POST', `/staff/orders/${id}/refund`, { token, body });
    const settled = (token: string, id: string) =>
      eventually(
        () => getOrder(token, id),
        (o) => o.status === 'refunded' || o.status === 'partially_refunded',
      );

    it('reverses a full refund exactly once: points earned and spent, coupon, tier spend', async () => {
      const { m, order: paid } = await paidOrder();
      expect(paid).toMatchObject({ status: 'paid', payableFen: 9_900, pointsUsed: 100, pointsEarned: 99 });
      const pointsAfterPaying = (await t.api('GET', '/me/points', { token: m.token })).body.balance; // 100 − 100 + 99
      expect(pointsAfterPaying).toBe(99);
      const res = await refund(paid.id);
      expect(res.status).toBe(200);
      const done = await settled(m.token, paid.id);
      expect(done).toMatchObject({ status: 'refunded', refundedFen: 9_900 });
      expect((await t.api('GET', '/me/points', { token: m.token })).body.balance).toBe(100);
      expect((await t.api('GET', `/me/coupons/${m.coupon!.id}`, { token: m.token })).body.status).toBe(
        'available',
      );
      expect((await t.api('GET', '/me', { token: m.token })).body.tierProgress.spendFen).toBe(10_000);
      const remote = (await t.http('GET', `/sandbox/wechat/pay/${paid.outTradeNo}`)).body;
      await Promise.all(
        (remote.refunds ?? []).map((r: any) =>
          t.http('POST', `/sandbox/wechat/pay/refunds/${r.out_refund_no}/redeliver`),
        ),
      );
      expect((await t.api('GET', '/me/points', { token: m.token })).body.balance).toBe(100);
      expectEnvelope(await refund(paid.id), 409);
      expect(await invariantsOk()).toBe(true);
    });

    it('reverses partial refunds in proportion, and completely once they add up', async () => {
      const { m, order: paid } = await paidOrder();
      await refund(paid.id, { amountFen: 3_300 });
      const first = await settled(m.token, paid.id);
      expect(first).toMatchObject({ status: 'partially_refunded', refundedFen: 3_300 });
      // A third of 99 earned clawed back, a third of 100 spent returned; the coupon stays used.
      expect((await t.api('GET', '/me/points', { token: m.token })).body.balance).toBe(99 - 33 + 33);
      expect((await t.api('GET', `/me/coupons/${m.coupon!.id}`, { token: m.token })).body.status).toBe(
        'used',
      );
      expectEnvelope(await refund(paid.id, { amountFen: 6_601 }), 409, 'REFUND_EXCEEDS_PAID');
      await refund(paid.id, { amountFen: 6_600 });
      await eventually(
        () => getOrder(m.token, paid.id),
        (o) => o.status === 'refunded',
      );
      expect((await t.api('GET', '/me/points', { token: m.token })).body.balance).toBe(100);
      expect((await t.api('GET', `/me/coupons/${m.coupon!.id}`, { token: m.token })).body.status).toBe(
        'available',
      );
      expect(await invariantsOk()).toBe(true);
    });

    it('settles a refund whose notification was lost by asking WeChat', async () => {
      const { m, order: paid } = await paidOrder();
      const { APP_CONFIG } = await import('../src/common/config');
      const config = t.app.get(APP_CONFIG);
      const realUrl = config.publicUrl;
      config.publicUrl = 'http://127.0.0.1:9'; // the refund's notify_url: nobody listens there
      try {
        expect((await refund(paid.id)).status).toBe(200);
      } finally {
        config.publicUrl = realUrl;
      }
      await new Promise((r) => setTimeout(r, 300)); // the sandbox settles the refund and fails to notify
      expect((await getOrder(m.token, paid.id)).status).toBe('paid');
      const jobs = t.app.get(OrdersJobs);
      expect((await jobs.settleRefunds(new Date())).applied).toBe(0); // too fresh to query
      expect((await jobs.settleRefunds(new Date(Date.now() + 6 * 60_000))).applied).toBe(1);
      expect(await getOrder(m.token, paid.id)).toMatchObject({
        status: 'refunded',
        refundedFen: paid.payableFen,
      });
      expect((await t.api('GET', '/me/points', { token: m.token })).body.balance).toBe(100);
      expect(await invariantsOk()).toBe(true);
    });

    it('lets only the order’s merchant refund', async () => {
      const { order: paid, m } = await paidOrder();
      const other = await f.staff((await f.merchant()).id);
      expectEnvelope(await refund(paid.id, {}, other.token), 404, 'NOT_FOUND');
      expectEnvelope(await refund(paid.id, {}, m.token), 403, 'FORBIDDEN');
      expectEnvelope(await refund(paid.id, { amountFen: -5 }), 400, 'VALIDATION_FAILED');
    });

    it('two clerks refunding the rest at once refund it once', async () => {
      const { m, order: paid } = await paidOrder();
      const second = await f.staff(merchant.id);
      const results = await Promise.all([refund(paid.id), refund(paid.id, {}, second.token)]);
      expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
      await settled(m.token, paid.id);
      expect(
        await count("SELECT COUNT(*) AS n FROM refunds WHERE order_id = ? AND status <> 'failed'", [paid.id]),
      ).toBe(1);
    });
  });
});

describe(`points + cash mall items (${TEST_DB})`, () => {
  let t: TestApp;
  let f: ReturnType<typeof factories>;

  beforeAll(async () => {
    t = await startTestApp();
    f = factories(t);
  });
  afterAll(() => t.close());

  it('pays the cash part with WeChat Pay, then the pickup becomes usable; unpaid ones are cancelled and given back', async () => {
    const merchant = await f.merchant();
    const clerk = await f.staff(merchant.id);
    const m = await f.member();
    await f.purchase(clerk.token, m.token, 50_000); // 500 points
    const item = await f.mallItem({
      title: '咖啡豆 250g',
      pointsPrice: 200,
      cashFen: 3_900,
      stock: 5,
      perMemberLimit: 2,
      merchantId: merchant.id,
    });

    const redeemed = await t.api('POST', `/mall/items/${item.id}/redeem`, {
      token: m.token,
      body: { quantity: 1 },
    });
    expect(redeemed.status).toBe(201);
    expect(redeemed.body).toMatchObject({
      status: 'pending_payment',
      pointsSpent: 200,
      cashFen: 3_900,
      pickupCode: null,
    });
    expect(redeemed.body.payParams.package).toMatch(/^prepay_id=/);
    const payment = (await t.api('GET', `/orders/${redeemed.body.paymentOrderId}`, { token: m.token })).body;
    expect(payment).toMatchObject({ status: 'pending', payableFen: 3_900 });
    await t.http('POST', `/sandbox/wechat/pay/${payment.outTradeNo}/confirm`);
    const [mine] = (await t.api('GET', '/me/mall-orders', { token: m.token })).body;
    expect(mine).toMatchObject({ status: 'awaiting_pickup' });
    expect(mine.pickupCode).toMatch(/^\d{10}$/);
    expect(
      (await t.api('POST', '/staff/pickups', { token: clerk.token, body: { pickupCode: mine.pickupCode } }))
        .status,
    ).toBe(200);

    // A second exchange left unpaid: the stale-order job closes it and gives points, stock and allowance back.
    const unpaid = await t.api('POST', `/mall/items/${item.id}/redeem`, {
      token: m.token,
      body: { quantity: 1 },
    });
    const balanceBefore = (await t.api('GET', '/me/points', { token: m.token })).body.balance;
    const { OrdersJobs } = await import('../src/orders/orders.jobs');
    await t.app.get(OrdersJobs).settleStale(new Date(Date.now() + 16 * 60_000));
    expect((await t.api('GET', '/me/mall-orders', { token: m.token })).body[0]).toMatchObject({
      id: unpaid.body.id,
      status: 'cancelled',
    });
    expect((await t.api('GET', '/me/points', { token: m.token })).body.balance).toBe(balanceBefore + 200);
    expect(
      (await t.api('GET', '/mall/items', { token: m.token })).body.find((i: any) => i.id === item.id),
    ).toMatchObject({ remaining: 4, redeemedByMe: 1 });
    expect((await t.api('GET', '/admin/invariants', { token: await f.adminToken() })).body.ok).toBe(true);
  });
});

describe(`a cold start under load (${TEST_DB})`, () => {
  let t: TestApp;
  let f: ReturnType<typeof factories>;
  beforeAll(async () => {
    t = await startTestApp();
    f = factories(t);
  });
  afterAll(() => t.close());

  it('20 first orders at once all get prepay: they share one platform-certificate download', async () => {
    const merchant = await f.merchant();
    const members = await Promise.all(Array.from({ length: 20 }, () => f.member()));
    const results = await Promise.all(
      members.map((m) =>
        t.api('POST', '/orders', { token: m.token, body: { merchantId: merchant.id, amountFen: 1_000 } }),
      ),
    );
    expect(results.map((r) => r.status)).toEqual(Array(20).fill(201));
  });
});

describe(`cancelling and listing orders (${TEST_DB})`, () => {
  let t: TestApp;
  let f: ReturnType<typeof factories>;
  beforeAll(async () => {
    t = await startTestApp();
    f = factories(t);
  });
  afterAll(() => t.close());

  it('lets a member cancel a pending order at once, giving back the coupon; lists orders with names', async () => {
    const merchant = await f.merchant('取消测试店');
    const clerk = await f.staff(merchant.id);
    const m = await f.member();
    expect((await t.api('GET', '/me', { token: m.token })).body.hasPurchased).toBe(false);
    const coupon = await f.claim(m.token, (await f.template({ firstOrderOnly: true, valueFen: 500 })).id);
    const created = (
      await t.api('POST', '/orders', {
        token: m.token,
        body: { merchantId: merchant.id, amountFen: 2_000, couponId: coupon.id },
      })
    ).body.order;
    const other = await f.member();
    expectEnvelope(
      await t.api('POST', `/orders/${created.id}/cancel`, { token: other.token }),
      404,
      'NOT_FOUND',
    );
    const cancelled = await t.api('POST', `/orders/${created.id}/cancel`, { token: m.token });
    expect(cancelled.body.status).toBe('closed');
    expect((await t.api('GET', `/me/coupons/${coupon.id}`, { token: m.token })).body.status).toBe(
      'available',
    );
    expect((await t.http('GET', `/sandbox/wechat/pay/${created.outTradeNo}`)).body.trade_state).toBe(
      'CLOSED',
    );
    expectEnvelope(
      await t.api('POST', `/orders/${created.id}/cancel`, { token: m.token }),
      409,
      'ORDER_NOT_PENDING',
    );

    expect((await t.api('GET', '/orders', { token: m.token })).body[0]).toMatchObject({
      id: created.id,
      merchantName: '取消测试店',
    });
    const staffList = (await t.api('GET', '/staff/orders', { token: clerk.token })).body;
    expect(staffList[0].memberCardMasked).toMatch(/^\*\*\*\* \d{4}$/);
  });
});

describe(`referral reward withdrawn on refund (${TEST_DB})`, () => {
  let t: TestApp;
  let f: ReturnType<typeof factories>;
  beforeAll(async () => {
    t = await startTestApp();
    f = factories(t);
  });
  afterAll(() => t.close());

  it('withdraws the sender’s reward when the friend’s only purchase is fully refunded', async () => {
    const admin = await f.adminToken();
    const reward = await f.template({ title: '拉新奖励券', stock: 10 });
    await t.api('PUT', '/admin/referral-rule', {
      token: admin,
      body: { rewardTemplateId: reward.id, rewardPoints: 30 },
    });
    const merchant = await f.merchant();
    const clerk = await f.staff(merchant.id);
    const sender = await f.member();
    const shared = await f.claim(sender.token, (await f.template({ forwardable: true })).id);
    const share = await t.api('POST', `/me/coupons/${shared.id}/share`, { token: sender.token });
    const friend = await t.api('POST', `/shares/${share.body.shareToken}/accept`, {
      body: { code: await f.loginCode(`o_${f.unique()}`) },
    });

    const created = (
      await t.api('POST', '/orders', {
        token: friend.body.token,
        body: { merchantId: merchant.id, amountFen: 5_000 },
      })
    ).body.order;
    await t.http('POST', `/sandbox/wechat/pay/${created.outTradeNo}/confirm`);
    const rewardCoupons = async () =>
      (await t.api('GET', '/me/coupons', { token: sender.token })).body.filter(
        (c: any) => c.templateId === reward.id,
      );
    expect((await rewardCoupons()).map((c: any) => c.status)).toEqual(['available']);
    expect((await t.api('GET', '/me/points', { token: sender.token })).body.balance).toBe(30);

    await t.api('POST', `/staff/orders/${created.id}/refund`, { token: clerk.token, body: {} });
    await eventually(
      () => t.api('GET', `/orders/${created.id}`, { token: friend.body.token }).then((r) => r.body.status),
      (s) => s === 'refunded',
    );
    expect((await rewardCoupons()).map((c: any) => c.status)).toEqual(['expired']);
    expect((await t.api('GET', '/me/points', { token: sender.token })).body.balance).toBe(0);
    expect((await t.api('GET', '/admin/invariants', { token: admin })).body.ok).toBe(true);
  });

  it('withdraws the points of a reward whose coupon could not be issued (paused) as well', async () => {
    const admin = await f.adminToken();
    const reward = await f.template({ title: '暂停的拉新奖励券', stock: 10 });
    await t.api('POST', `/admin/coupon-templates/${reward.id}/pause`, { token: admin });
    await t.api('PUT', '/admin/referral-rule', {
      token: admin,
      body: { rewardTemplateId: reward.id, rewardPoints: 30 },
    });
    const merchant = await f.merchant();
    const clerk = await f.staff(merchant.id);
    const sender = await f.member();
    const shared = await f.claim(sender.token, (await f.template({ forwardable: true })).id);
    const share = await t.api('POST', `/me/coupons/${shared.id}/share`, { token: sender.token });
    const friend = await t.api('POST', `/shares/${share.body.shareToken}/accept`, {
      body: { code: await f.loginCode(`o_${f.unique()}`) },
    });
    const created = (
      await t.api('POST', '/orders', {
        token: friend.body.token,
        body: { merchantId: merchant.id, amountFen: 5_000 },
      })
    ).body.order;
    await t.http('POST', `/sandbox/wechat/pay/${created.outTradeNo}/confirm`);
    expect((await t.api('GET', '/me/points', { token: sender.token })).body.balance).toBe(30);
    expect((await t.api('GET', '/me', { token: sender.token })).body.referralReward).toMatchObject({
      points: 30,
      coupon: null,
    });

    await t.api('POST', `/staff/orders/${created.id}/refund`, { token: clerk.token, body: {} });
    await eventually(
      () => t.api('GET', `/orders/${created.id}`, { token: friend.body.token }).then((r) => r.body.status),
      (s) => s === 'refunded',
    );
    expect((await t.api('GET', '/me/points', { token: sender.token })).body.balance).toBe(0);
    expect((await t.api('GET', '/me', { token: sender.token })).body.referralReward).toBeNull();
    expect((await t.api('GET', '/admin/invariants', { token: admin })).body.ok).toBe(true);
    await t.api('PUT', '/admin/referral-rule', {
      token: admin,
      body: { rewardTemplateId: null, rewardPoints: 0 },
    });
  });
});
