import { toRfc3339Shanghai } from '@allycard/domain';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expectEnvelope, factories } from './factories';
import { startTestApp, TestApp, TEST_DB } from './harness';
import { paidOrders } from './paid-orders';
import { notificationCrafter, payKeys, postNotification } from './pay-helpers';
import { APP_CONFIG } from '../src/common/config';
import { OrdersJobs } from '../src/orders/orders.jobs';

/**
 * Genuine (validly signed, decryptable) notifications whose content is malformed are refused with a
 * 400 in the envelope and change nothing; well-formed ones keep their answers. A stored time that is
 * not a time fails /admin/invariants.
 */
describe(`malformed WeChat Pay notifications (${TEST_DB})`, () => {
  let t: TestApp;
  let f: ReturnType<typeof factories>;
  let craft: ReturnType<typeof notificationCrafter>;
  let merchant: { id: string };
  let clerk: { token: string };

  beforeAll(async () => {
    t = await startTestApp();
    f = factories(t);
    craft = notificationCrafter(await payKeys(t));
    merchant = await f.merchant();
    clerk = await f.staff(merchant.id);
  });
  afterAll(() => t.close());

  const row = async (sql: string, params: unknown[]) => (await t.dataSource.query(sql, params))[0];
  const orderRow = (id: string) =>
    row('SELECT status, paid_at, transaction_id, flag, refunded_fen FROM orders WHERE id = ?', [id]);
  const eventCount = async () => Number((await row('SELECT COUNT(*) AS n FROM payment_events', [])).n);
  const invariants = async () =>
    (await t.api('GET', '/admin/invariants', { token: await f.adminToken() })).body as {
      ok: boolean;
      checks: { name: string; ok: boolean; detail: string }[];
    };

  /** Runs `work` while WeChat Pay answers every request with `answer`, genuinely signed. */
  async function wechatAnswering<T>(answer: object, work: () => Promise<T>): Promise<T> {
    const text = JSON.stringify(answer);
    const server = createServer((_, res) => res.writeHead(200, craft.answerHeaders(text)).end(text));
    await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
    const config = t.app.get(APP_CONFIG);
    const realBase = config.wechat.apiBase;
    config.wechat.apiBase = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      return await work();
    } finally {
      config.wechat.apiBase = realBase;
      server.close();
    }
  }

  /** Posts the notification: a 400 naming `field`, and neither the rows nor the audit log changed. */
  async function refused(
    n: { body: string; headers: Record<string, string> },
    field: string,
    rows: () => Promise<unknown>,
  ) {
    const before = await rows();
    const events = await eventCount();
    const res = await postNotification(t, n);
    expectEnvelope(res, 400, 'VALIDATION_FAILED');
    expect(res.body.error.details).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
    expect(await rows()).toEqual(before);
    expect(await eventCount()).toBe(events);
  }

  describe('payment notifications', () => {
    let member: { token: string };
    let pending: { id: string; outTradeNo: string; payableFen: number };
    beforeAll(async () => {
      member = await f.member();
      const res = await t.api('POST', '/orders', {
        token: member.token,
        body: { merchantId: merchant.id, amountFen: 2_000 },
      });
      pending = res.body.order;
    });
    const tx = (over: Record<string, unknown> = {}) =>
      craft.transaction(pending.outTradeNo, pending.payableFen, over);
    const without = (field: string) => {
      const resource: Record<string, unknown> = tx();
      delete resource[field];
      return resource;
    };
    const unchanged = () => orderRow(pending.id);

    it.each([
      ['without amount', () => without('amount'), 'resource.amount'],
      ['with amount null', () => tx({ amount: null }), 'resource.amount'],
      [
        'with amount.total as text',
        () => tx({ amount: { total: '2000', currency: 'CNY' } }),
        'resource.amount.total',
      ],
      [
        'with a fractional amount.total',
        () => tx({ amount: { total: 1999.5, currency: 'CNY' } }),
        'resource.amount.total',
      ],
      [
        'with a negative amount.total',
        () => tx({ amount: { total: -2000, currency: 'CNY' } }),
        'resource.amount.total',
      ],
      ['without out_trade_no', () => without('out_trade_no'), 'resource.out_trade_no'],
      [
        'with out_trade_no as an array',
        () => tx({ out_trade_no: [pending.outTradeNo] }),
        'resource.out_trade_no',
      ],
      ['with out_trade_no as an object', () => tx({ out_trade_no: { $ne: '' } }), 'resource.out_trade_no'],
      [
        'with a 10,000-character out_trade_no',
        () => tx({ out_trade_no: 'A'.repeat(10_000) }),
        'resource.out_trade_no',
      ],
      [
        'with transaction_id as an object',
        () => tx({ transaction_id: { id: 1 } }),
        'resource.transaction_id',
      ],
      [
        'with a 10,000-character transaction_id',
        () => tx({ transaction_id: '4'.repeat(10_000) }),
        'resource.transaction_id',
      ],
      ['with trade_state as a number', () => tx({ trade_state: 1 }), 'resource.trade_state'],
      ['with trade_state as an array', () => tx({ trade_state: ['SUCCESS'] }), 'resource.trade_state'],
      [
        'with an unheard-of trade_state',
        () => tx({ trade_state: 'X'.repeat(5_000) }),
        'resource.trade_state',
      ],
      ['with appid as an array', () => tx({ appid: ['wx'] }), 'resource.appid'],
      ['with mchid as a number', () => tx({ mchid: 1900000109 }), 'resource.mchid'],
      ['with payer as a string', () => tx({ payer: 'o_test' }), 'resource.payer'],
    ])('refuses a payment resource %s with 400, the order untouched', async (_, resource, field) => {
      await refused(craft.build(resource()), field, unchanged);
    });

    it.each([
      ['a word', 'yesterday'],
      ['month 13, day 45', '2026-13-45T10:00:00+08:00'],
      ['February 30th', '2026-02-30T10:00:00+08:00'],
      ['25 o’clock', '2026-06-01T25:00:00+08:00'],
      ['a number', 1767225600],
      ['no offset', '2026-06-01T10:00:00'],
      ['a date only', '2026-06-01'],
      ['year zero', '0000-01-01T00:00:00+08:00'],
      ['the future', '2999-01-01T00:00:00+08:00'],
      ['empty', ''],
    ])('refuses a success_time that is %s, the order stays pending', async (_, successTime) => {
      await refused(craft.build(tx({ success_time: successTime })), 'resource.success_time', unchanged);
    });

    it.each([
      ['not JSON', 'trade_state=SUCCESS'],
      ['cut short', '{"appid": "wx'],
      ['null', 'null'],
      ['an array', '[]'],
      ['a string', '"SUCCESS"'],
      ['a number', '42'],
    ])('refuses a decrypted resource that is %s', async (_, plaintext) => {
      await refused(craft.build(plaintext), 'resource', unchanged);
    });

    it.each([
      ['a numeric event_type', { event_type: 42 }, 'event_type'],
      ['an event_type of 100 characters', { event_type: 'TRANSACTION.'.padEnd(100, 'X') }, 'event_type'],
      ['no id', { id: undefined }, 'id'],
      ['a numeric id', { id: 7 }, 'id'],
      ['an id of 1,000 characters', { id: 'E'.repeat(1_000) }, 'id'],
      ['a null resource', { resource: null }, 'resource'],
      ['a resource that is an array', { resource: [] }, 'resource'],
      ['no algorithm', { resource: { ciphertext: 'AAAA', nonce: 'abcdefabcdef' } }, 'resource.algorithm'],
      [
        'a numeric nonce',
        { resource: { algorithm: 'AEAD_AES_256_GCM', ciphertext: 'AAAA', nonce: 123 } },
        'resource.nonce',
      ],
      [
        'associated_data as an object',
        { resource: { algorithm: 'AEAD_AES_256_GCM', ciphertext: 'AAAA', nonce: 'n', associated_data: {} } },
        'resource.associated_data',
      ],
    ])('refuses a signed envelope with %s', async (_, envelope, field) => {
      await refused(craft.build(tx(), { envelope }), field, unchanged);
    });

    it.each([
      ['not JSON', 'id=1&event_type=TRANSACTION.SUCCESS', 'body'],
      ['a JSON array', '[]', 'body'],
      ['JSON null', 'null', 'body'],
    ])('refuses a signed body that is %s', async (_, rawBody, field) => {
      await refused(craft.build(tx(), { rawBody }), field, unchanged);
    });

    it('keeps acknowledging a well-formed notification for an order it does not know, or of an event it does not handle', async () => {
      const unknown = craft.build(craft.transaction('NOSUCHORDER0001', 100), { id: 'EV-UNKNOWN-ORDER' });
      expect((await postNotification(t, unknown)).status).toBe(204);
      const other = craft.build({ anything: 'goes' }, { eventType: 'SOMETHING.ELSE', id: 'EV-OTHER-EVENT' });
      expect((await postNotification(t, other)).status).toBe(204);
      const results = await t.dataSource.query(
        "SELECT event_type, out_trade_no, result FROM payment_events WHERE event_id IN ('EV-UNKNOWN-ORDER', 'EV-OTHER-EVENT') ORDER BY id",
      );
      expect(results).toEqual([
        { event_type: 'TRANSACTION.SUCCESS', out_trade_no: 'NOSUCHORDER0001', result: 'unknown_order' },
        { event_type: 'SOMETHING.ELSE', out_trade_no: null, result: 'ignored' },
      ]);
    });

    it.each([
      ['a success_time that is not a time', { success_time: 'yesterday' }],
      ['no amount', { amount: undefined }],
      ['an out_trade_no that is an array', { out_trade_no: ['x'] }],
    ])(
      'treats a query answer with %s as no answer: cancelling is a 503, the order untouched',
      async (_, over) => {
        const before = await orderRow(pending.id);
        const res = await wechatAnswering(tx(over), () =>
          t.api('POST', `/orders/${pending.id}/cancel`, { token: member.token }),
        );
        expectEnvelope(res, 503, 'WECHAT_UNAVAILABLE');
        expect(await orderRow(pending.id)).toEqual(before);
      },
    );

    it('after all that, pays the order from a well-formed notification, at WeChat’s success_time', async () => {
      const paidAt = new Date(Math.floor(Date.now() / 1000) * 1000 - 60_000);
      const n = craft.build(tx({ success_time: toRfc3339Shanghai(paidAt) }));
      expect((await postNotification(t, n)).status).toBe(204);
      const order = (await t.api('GET', `/orders/${pending.id}`, { token: member.token })).body;
      expect(order).toMatchObject({ status: 'paid', paidAt: paidAt.toISOString() });
      expect((await t.api('GET', '/orders', { token: member.token })).status).toBe(200);
      expect((await t.api('GET', '/staff/orders', { token: clerk.token })).status).toBe(200);
      expect((await t.api('GET', '/me/points/history', { token: member.token })).status).toBe(200);
      expect((await invariants()).ok).toBe(true);
    });
  });

  describe('refund notifications', () => {
    let refund: { outRefundNo: string; orderId: string; outTradeNo: string };
    beforeAll(async () => {
      const m = await f.member();
      const paid = await paidOrders(t).pay(m.token, { merchantId: merchant.id, amountFen: 3_000 });
      // WeChat cannot be reached: the refund stays processing, waiting for a notification.
      const config = t.app.get(APP_CONFIG);
      const realBase = config.wechat.apiBase;
      config.wechat.apiBase = 'http://127.0.0.1:9';
      const res = await t
        .api('POST', `/staff/orders/${paid.id}/refund`, { token: clerk.token, body: { amountFen: 1_000 } })
        .finally(() => (config.wechat.apiBase = realBase));
      expect(res.body.refund.status).toBe('processing');
      refund = { outRefundNo: res.body.refund.outRefundNo, orderId: paid.id, outTradeNo: paid.outTradeNo };
    });
    const notice = (over: Record<string, unknown> = {}) =>
      craft.refund({ ...refund, totalFen: 3_000, refundFen: 1_000 }, over);
    const build = (resource: object | string) =>
      craft.build(resource, { eventType: 'REFUND.SUCCESS', associatedData: 'refund' });
    const unchanged = async () => ({
      refund: await row('SELECT status, succeeded_at FROM refunds WHERE out_refund_no = ?', [
        refund.outRefundNo,
      ]),
      order: await orderRow(refund.orderId),
    });

    it.each([
      ['with refund_status as a number', { refund_status: 0 }, 'resource.refund_status'],
      ['with refund_status as an array', { refund_status: ['SUCCESS'] }, 'resource.refund_status'],
      ['with an unheard-of refund_status', { refund_status: 'MAYBE' }, 'resource.refund_status'],
      ['with out_refund_no as an array', { out_refund_no: ['RF1'] }, 'resource.out_refund_no'],
      [
        'with a 10,000-character out_refund_no',
        { out_refund_no: 'R'.repeat(10_000) },
        'resource.out_refund_no',
      ],
      ['with a 10,000-character out_trade_no', { out_trade_no: 'T'.repeat(10_000) }, 'resource.out_trade_no'],
      ['without amount', { amount: undefined }, 'resource.amount'],
      [
        'with amount.refund as text',
        { amount: { total: 3000, refund: '1000', payer_total: 3000, payer_refund: 1000 } },
        'resource.amount.refund',
      ],
      ['with mchid as a number', { mchid: 1900000109 }, 'resource.mchid'],
      ['with success_time "yesterday"', { success_time: 'yesterday' }, 'resource.success_time'],
      ['with success_time a number', { success_time: 1767225600 }, 'resource.success_time'],
      [
        'with success_time 2026-13-45',
        { success_time: '2026-13-45T10:00:00+08:00' },
        'resource.success_time',
      ],
    ])('refuses a refund resource %s with 400, the refund still processing', async (_, over, field) => {
      await refused(build(notice(over)), field, unchanged);
      expect((await unchanged()).refund.status).toBe('processing');
    });

    it('treats a refund query answer with a success_time that is not a time as no answer', async () => {
      const { mchid: _, refund_status: status, ...view } = notice({ success_time: 'yesterday' });
      const later = new Date(Date.now() + 6 * 60_000); // old enough to be asked about
      const counts = await wechatAnswering({ ...view, status }, () =>
        t.app.get(OrdersJobs).settleRefunds(later),
      );
      expect(counts).toEqual({ applied: 0, unknown: 1 });
      expect((await unchanged()).refund.status).toBe('processing');
    });

    it('refuses a refund resource that is not JSON', async () => {
      await refused(build('{"refund_status":'), 'resource', unchanged);
    });

    it('keeps acknowledging a well-formed refund notification it does not know, then applies the real one', async () => {
      const stranger = build(notice({ out_refund_no: 'RFNOSUCHREFUND01' }));
      expect((await postNotification(t, stranger)).status).toBe(204);
      const [event] = await t.dataSource.query(
        "SELECT result FROM payment_events WHERE out_refund_no = 'RFNOSUCHREFUND01'",
      );
      expect(event.result).toBe('unknown_refund');

      expect((await postNotification(t, build(notice()))).status).toBe(204);
      expect((await unchanged()).refund.status).toBe('succeeded');
      expect((await orderRow(refund.orderId)).status).toBe('partially_refunded');
      expect((await invariants()).ok).toBe(true);
    });
  });

  describe('stored times on /admin/invariants', () => {
    const rows: Record<string, string> = {};
    beforeAll(async () => {
      const m = await f.member();
      const coupon = await f.claim(m.token, (await f.template({ valueFen: 300 })).id);
      const paid = await paidOrders(t).pay(m.token, {
        merchantId: merchant.id,
        amountFen: 2_000,
        couponId: coupon.id,
      });
      rows.orders = paid.id;
      rows.coupons = coupon.id;
      rows.points_transactions = String(
        (
          await row("SELECT id FROM points_transactions WHERE source_type = 'order' AND source_id = ?", [
            paid.id,
          ])
        ).id,
      );
      rows.alliances = String((await row('SELECT alliance_id AS id FROM orders WHERE id = ?', [paid.id])).id);
    });
    const timesCheck = async () =>
      (await invariants()).checks.find((c) => c.name.startsWith('stored times'))!;

    /** Stores `bad` in the column by hand, sees the check fail naming it, puts the value back, sees it hold. */
    async function flagged(table: string, column: string, bad: string | null, problem: string) {
      const id = rows[table];
      const { v: original } = await row(`SELECT ${column} AS v FROM ${table} WHERE id = ?`, [id]);
      expect((await invariants()).ok).toBe(true);
      await t.dataSource.query(
        `UPDATE ${table} SET ${column} = ${bad === null ? 'NULL' : `'${bad}'`} WHERE id = ?`,
        [id],
      );
      try {
        const report = await invariants();
        expect(report.ok).toBe(false);
        const check = report.checks.find((c) => c.name.startsWith('stored times'))!;
        expect(check).toMatchObject({ ok: false, detail: expect.stringContaining(`${table} ${problem}`) });
        expect(check.detail).toContain(`"id":${TEST_DB === 'mysql' ? `"${id}"` : id}`);
      } finally {
        await t.dataSource.query(`UPDATE ${table} SET ${column} = ? WHERE id = ?`, [original, id]);
      }
      expect(await timesCheck()).toMatchObject({ ok: true, detail: 'holds' });
      expect((await invariants()).ok).toBe(true);
    }

    const notATime =
      TEST_DB === 'mysql'
        ? [
            ['a zero date', '0000-00-00 00:00:00'],
            ['a zero month', '2026-00-10 10:00:00'],
            ['a zero day', '2026-06-00 10:00:00'],
          ]
        : [
            ['a word', 'yesterday'],
            ['what an Invalid Date is written as', 'NaN-NaN-NaN NaN:NaN:NaN.NaN'],
            ['February 30th', '2026-02-30 10:00:00.000'],
            ['month 13', '2026-13-01 10:00:00.000'],
          ];

    it.each(notATime)('fails while an order’s paid_at is %s', async (_, bad) => {
      await flagged('orders', 'paid_at', bad, 'paid_at is not a time');
    });

    it.each([
      ['a coupon’s used_at', 'coupons', 'used_at'],
      ['a points transaction’s created_at', 'points_transactions', 'created_at'],
      ['the alliance’s created_at', 'alliances', 'created_at'],
    ])('fails while %s is not a time', async (_, table, column) => {
      await flagged(table, column, notATime[0][1], `${column} is not a time`);
    });

    it.each([
      ['a paid order without paid_at', 'orders', 'paid_at'],
      ['a used coupon without used_at', 'coupons', 'used_at'],
    ])('fails for %s', async (_, table, column) => {
      await flagged(table, column, null, `${column} missing`);
    });
  });
});
