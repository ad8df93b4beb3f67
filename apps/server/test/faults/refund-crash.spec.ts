import { createWechatSandbox, type WechatSandbox } from '@allycard/wechat-sandbox';
import express from 'express';
import * as fs from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { DataSource } from 'typeorm';
import { factories } from '../factories';
import { createTestDatabase, httpClient, TEST_DB, TestApp } from '../harness';
import { eventually } from '../pay-helpers';
import { DEV_DEFAULTS } from '../../src/common/config';
import { freePort, ServerProcess, startServerProcess } from './server-process';

/**
 * Issue 10: the server is SIGKILLed after a refund committed and before WeChat answered — one refund
 * WeChat never received, one it took but whose answer died with the process. Restarted on the same
 * database, the outbox sends both again with their out_refund_no: each order is refunded exactly once.
 * WeChat (the sandbox) runs in this test's process, so its ledger outlives the server.
 */
describe(`a refund across a crash between its commit and WeChat's answer (${TEST_DB})`, () => {
  let dir: string;
  let sandbox: WechatSandbox;
  let wechat: Server;
  let db: { url: string; drop: () => Promise<void> };
  let sql: DataSource;
  let server: ServerProcess | null = null;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'allycard-crash-'));
    const keyFile = path.join(dir, 'wechat-keys.json');
    sandbox = createWechatSandbox({
      appid: DEV_DEFAULTS.wechatAppid,
      secret: DEV_DEFAULTS.wechatSecret,
      publicUrl: 'http://127.0.0.1',
      pay: { keyFile },
    });
    void sandbox.pay.keys; // written to keyFile, where the server process reads the same merchant keys
    const app = express();
    app.use('/sandbox', sandbox.router);
    wechat = await new Promise<Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    db = await createTestDatabase();
    sql = new DataSource(
      db.url.startsWith('sqlite:')
        ? { type: 'better-sqlite3', database: db.url.slice('sqlite:'.length) }
        : { type: 'mysql', url: db.url, supportBigNumbers: true, bigNumberStrings: true },
    );
  });
  afterAll(async () => {
    await server?.kill();
    sandbox.pay.holdRefunds(null);
    await sandbox.pay.idle();
    await new Promise((r) => wechat.close(r));
    if (sql.isInitialized) await sql.destroy();
    await db.drop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const rows = async (query: string, params: unknown[] = []) => {
    if (!sql.isInitialized) await sql.initialize();
    return sql.query(query, params);
  };

  it('refunds each order exactly once after a restart, whether or not WeChat had received it', async () => {
    const port = await freePort();
    const wechatBase = `http://127.0.0.1:${(wechat.address() as AddressInfo).port}`;
    const env = {
      WECHAT_API_BASE: `${wechatBase}/sandbox`,
      WECHAT_SANDBOX_KEY_FILE: path.join(dir, 'wechat-keys.json'),
    };
    const start = (extra: Record<string, string> = {}) =>
      startServerProcess({ databaseUrl: db.url, port, env: { ...env, ...extra } });
    // The API of the server process; /sandbox is WeChat, here.
    const api = httpClient(`http://127.0.0.1:${port}`);
    const weixin = httpClient(wechatBase);
    const client: Pick<TestApp, 'api' | 'http'> = {
      api: api.api,
      http: (method, p, o) =>
        p.startsWith('/sandbox/') ? weixin.http(method, p, o) : api.http(method, p, o),
    };
    const f = factories(client);

    server = await start();
    const merchant = await f.merchant();
    const manager = await f.staff(merchant.id, 'merchant_admin');
    const shoppers = [];
    for (const amountFen of [5_000, 6_000]) {
      const m = await f.member();
      const order = (
        await client.api('POST', '/orders', { token: m.token, body: { merchantId: merchant.id, amountFen } })
      ).body.order;
      await client.http('POST', `/sandbox/wechat/pay/${order.outTradeNo}/confirm`);
      expect((await client.api('GET', '/me/points', { token: m.token })).body.balance).toBe(amountFen / 100);
      shoppers.push({ m, order });
    }
    const [never, unanswered] = shoppers;
    const refund = (orderId: string) =>
      client.api('POST', `/staff/orders/${orderId}/refund`, { token: manager.token, body: {} }).then(
        (r) => `answered ${r.status}`,
        () => 'no answer',
      );
    const parked = (n: number) =>
      eventually(
        async () => sandbox.pay.heldRefunds,
        (held) => held === n,
      );

    sandbox.pay.holdRefunds('unreceived');
    const answers = [refund(never.order.id)];
    expect(await parked(1)).toBe(1);
    sandbox.pay.holdRefunds('unanswered');
    answers.push(refund(unanswered.order.id));
    expect(await parked(2)).toBe(2);
    // Both refunds and their outbox messages are committed; WeChat has one of them.
    server.kill();
    await server.wait();
    expect(await Promise.all(answers)).toEqual(['no answer', 'no answer']);
    sandbox.pay.holdRefunds(null);
    await sandbox.pay.idle(); // the taken one succeeds at WeChat; its notification finds nobody
    const atWechat = async (outTradeNo: string) =>
      (await client.http('GET', `/sandbox/wechat/pay/${outTradeNo}`)).body.refunds as {
        out_refund_no: string;
        status: string;
      }[];
    expect(await atWechat(never.order.outTradeNo)).toEqual([]);
    expect(await atWechat(unanswered.order.outTradeNo)).toMatchObject([{ status: 'SUCCESS' }]);
    const committed = await rows(
      `SELECT r.order_id, r.status, r.out_refund_no, o.status AS message, o.attempts FROM refunds r
       JOIN outbox o ON o.topic = 'wechat.refund' AND o.dedupe_key = r.out_refund_no ORDER BY r.id`,
    );
    expect(committed.map((r: any) => [String(r.order_id), r.status, r.message, Number(r.attempts)])).toEqual([
      [never.order.id, 'processing', 'pending', 1],
      [unanswered.order.id, 'processing', 'pending', 1],
    ]);

    // Restarted with its scheduled jobs: the dispatcher sends both again once their claims lapse.
    server = await start({ JOBS: 'on' });
    const sent = await eventually(
      () => rows("SELECT status FROM outbox WHERE topic = 'wechat.refund' AND status = 'sent'"),
      (r) => r.length === 2,
      40_000,
    );
    expect(sent).toHaveLength(2);
    // WeChat retries the notification the dead process never answered.
    const taken = (await atWechat(unanswered.order.outTradeNo))[0].out_refund_no;
    expect(committed[1].out_refund_no).toBe(taken);
    await client.http('POST', `/sandbox/wechat/pay/refunds/${taken}/redeliver`);

    for (const { m, order } of shoppers) {
      const done = await eventually(
        async () => (await client.api('GET', `/orders/${order.id}`, { token: m.token })).body,
        (o) => o.status === 'refunded',
      );
      expect(done).toMatchObject({ status: 'refunded', refundedFen: order.payableFen });
      const remote = await atWechat(order.outTradeNo);
      expect(remote).toHaveLength(1);
      expect(remote[0].status).toBe('SUCCESS');
      // Every notification again: nothing changes twice.
      await client.http('POST', `/sandbox/wechat/pay/refunds/${remote[0].out_refund_no}/redeliver`);
      expect((await client.api('GET', '/me/points', { token: m.token })).body.balance).toBe(0);
    }
    expect(await rows("SELECT id FROM refunds WHERE status = 'succeeded'")).toHaveLength(2);
    expect(await rows('SELECT id FROM refunds')).toHaveLength(2);
    const report = (await client.api('GET', '/admin/invariants', { token: await f.adminToken() })).body;
    expect(report.checks.filter((c: { ok: boolean }) => !c.ok)).toEqual([]);
  });
});
