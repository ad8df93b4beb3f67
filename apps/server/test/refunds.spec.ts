import { expectEnvelope, factories } from './factories';
import { startTestApp, TestApp, TEST_DB } from './harness';
import { paidOrders } from './paid-orders';
import { APP_CONFIG, AppConfig } from '../src/common/config';
import { TransactionRunner } from '../src/common/transactions';
import { InvariantsService } from '../src/invariants/invariants.service';
import { Member } from '../src/members/member.entity';
import { NOTIFY_PATH } from '../src/orders/pay-settings';
import { OutboxDispatcher } from '../src/outbox/outbox.dispatcher';
import { OutboxMessage } from '../src/outbox/outbox.entity';
import { LedgerService } from '../src/points/ledger.service';
import { WechatPayClient } from '../src/wechat/wechat-pay.client';

/** Refunds through the outbox: an unknown answer is resent, a refusal un-reserves, a stuck one is flagged. */
describe(`refunds (${TEST_DB})`, () => {
  let t: TestApp;
  let f: ReturnType<typeof factories>;
  let orders: ReturnType<typeof paidOrders>;
  let config: AppConfig;
  let merchant: { id: string };
  let manager: { token: string };
  let allianceId: string;

  beforeAll(async () => {
    t = await startTestApp();
    f = factories(t);
    orders = paidOrders(t);
    config = t.app.get(APP_CONFIG);
    merchant = await f.merchant();
    manager = await f.staff(merchant.id, 'merchant_admin');
    allianceId = String((await t.dataSource.query('SELECT id FROM alliances'))[0].id);
  });
  afterAll(() => t.close());

  const refund = (id: string, body: object = {}) =>
    t.api('POST', `/staff/orders/${id}/refund`, { token: manager.token, body });
  const message = (outRefundNo: string) =>
    t.dataSource
      .getRepository(OutboxMessage)
      .findOneByOrFail({ topic: 'wechat.refund', dedupeKey: outRefundNo });
  const atWechat = async (outTradeNo: string) =>
    (await t.http('GET', `/sandbox/wechat/pay/${outTradeNo}`)).body.refunds as { out_refund_no: string }[];
  const balance = async (token: string) => (await t.api('GET', '/me/points', { token })).body.balance;
  const invariantsOk = async () =>
    (await t.api('GET', '/admin/invariants', { token: await f.adminToken() })).body.ok;

  /** Runs `work` while WeChat Pay cannot be reached (connection refused): every answer is unknown. */
  async function wechatDown<T>(work: () => Promise<T>): Promise<T> {
    const realBase = config.wechat.apiBase;
    config.wechat.apiBase = 'http://127.0.0.1:9';
    try {
      return await work();
    } finally {
      config.wechat.apiBase = realBase;
    }
  }

  it('resends a refund whose answer was unknown after its backoff, with the same out_refund_no, once', async () => {
    const m = await f.member();
    const paid = await orders.pay(m.token, { merchantId: merchant.id, amountFen: 5_000 });
    const res = await wechatDown(() => refund(paid.id));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      status: 'paid',
      refundRequestedFen: 5_000,
      refund: { status: 'processing' },
    });
    const outRefundNo: string = res.body.refund.outRefundNo;
    const first = await message(outRefundNo);
    expect(first).toMatchObject({ status: 'pending', attempts: 1, lastError: expect.any(String) });
    expect(first.availableAt.getTime() - first.createdAt.getTime()).toBeGreaterThanOrEqual(29_000);
    expect(await atWechat(paid.outTradeNo)).toEqual([]);
    // While reserved, the amount cannot be asked for twice.
    expectEnvelope(await refund(paid.id), 409, 'REFUND_EXCEEDS_PAID');

    const dispatcher = t.app.get(OutboxDispatcher);
    expect((await dispatcher.dispatchDue(new Date())).sent).toBe(0); // not due yet
    expect((await dispatcher.dispatchDue(first.availableAt)).sent).toBe(1);
    expect(await message(outRefundNo)).toMatchObject({ status: 'sent', attempts: 2 });
    expect((await atWechat(paid.outTradeNo)).map((r) => r.out_refund_no)).toEqual([outRefundNo]);
    expect(await orders.settled(m.token, paid.id, 5_000)).toMatchObject({ status: 'refunded' });
    expect(await balance(m.token)).toBe(0);
    expect(await invariantsOk()).toBe(true);
  });

  it('answers 409 WECHAT_REFUND_REJECTED when WeChat refuses, and gives the reserved amount back', async () => {
    const m = await f.member();
    const paid = await orders.pay(m.token, { merchantId: merchant.id, amountFen: 3_000 });
    // Someone refunded it by hand in WeChat's merchant platform: WeChat has nothing left to refund.
    const stray = await t.app.get(WechatPayClient).refund({
      outTradeNo: paid.outTradeNo,
      outRefundNo: `RFHAND${f.unique()}`,
      refundFen: 3_000,
      totalFen: 3_000,
      notifyUrl: config.publicUrl + NOTIFY_PATH,
    });
    expect(stray).toBe('accepted');
    const res = await refund(paid.id, { amountFen: 1_000 });
    expectEnvelope(res, 409, 'WECHAT_REFUND_REJECTED');
    expect(await orders.get(m.token, paid.id)).toMatchObject({
      status: 'paid',
      refundRequestedFen: 0,
      refundedFen: 0,
      pointsEarned: 30,
    });
    const [row] = await t.dataSource.query('SELECT status, out_refund_no FROM refunds WHERE order_id = ?', [
      paid.id,
    ]);
    expect(row.status).toBe('failed');
    expect((await message(row.out_refund_no)).status).toBe('sent');
    expect(await balance(m.token)).toBe(30);
  });

  it('lowers the tier at once when a refund takes the rolling spend below its minimum', async () => {
    const m = await f.member();
    const me = async () => (await t.api('GET', '/me', { token: m.token })).body;
    const paid = await orders.pay(m.token, { merchantId: merchant.id, amountFen: 100_000 });
    expect((await me()).tier.code).toBe('silver');
    expect((await refund(paid.id, { amountFen: 10_000 })).status).toBe(200);
    await orders.settled(m.token, paid.id, 10_000);
    const after = await me();
    expect(after.tier.code).toBe('normal');
    expect(after.tierProgress.spendFen).toBe(90_000);
  });

  it('flags a refund still waiting on WeChat a day later to a person, then settles it once WeChat answers', async () => {
    const m = await f.member();
    const paid = await orders.pay(m.token, { merchantId: merchant.id, amountFen: 2_000 });
    const res = await wechatDown(() => refund(paid.id));
    const outRefundNo: string = res.body.refund.outRefundNo;
    const invariants = t.app.get(InvariantsService);
    const today = await invariants.check(allianceId);
    expect(today.stuckRefunds).toEqual([]);
    const tomorrow = await invariants.check(allianceId, new Date(Date.now() + 25 * 3_600_000));
    expect(tomorrow.ok).toBe(false);
    expect(tomorrow.stuckRefunds).toEqual([
      expect.objectContaining({ orderId: paid.id, outRefundNo, amountFen: 2_000 }),
    ]);
    expect(tomorrow.checks.find((c) => c.name.startsWith('6. refunds'))).toMatchObject({
      ok: false,
      detail: expect.stringContaining(outRefundNo),
    });

    await t.app.get(OutboxDispatcher).dispatchDue((await message(outRefundNo)).availableAt);
    await orders.settled(m.token, paid.id, 2_000);
    expect((await invariants.check(allianceId, new Date(Date.now() + 25 * 3_600_000))).stuckRefunds).toEqual(
      [],
    );
  });

  it('keeps a points balance above 2^31 exact, through the ledger and the API', async () => {
    const m = await f.member();
    const points = 2 ** 31 + 123_456_789;
    const member = await t.dataSource.getRepository(Member).findOneByOrFail({ id: m.member.id });
    await t.app.get(TransactionRunner).run((em) =>
      t.app.get(LedgerService).earn(em, member, points, {
        kind: 'reward',
        type: 'referral',
        id: member.id,
        merchantId: null,
      }),
    );
    expect(await balance(m.token)).toBe(points);
    expect((await t.api('GET', '/me', { token: m.token })).body.points).toBe(points);
    // Spending some on an order and refunding it moves the big balance exactly.
    const paid = await orders.pay(m.token, { merchantId: merchant.id, amountFen: 10_000, points: 5_000 });
    expect(await balance(m.token)).toBe(points - 5_000 + 50);
    await refund(paid.id);
    await orders.settled(m.token, paid.id, paid.payableFen);
    expect(await balance(m.token)).toBe(points);
    expect(await invariantsOk()).toBe(true);
  });
});
