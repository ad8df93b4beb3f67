import { createWechatSandbox, type WechatSandbox } from '@allycard/wechat-sandbox';
import express from 'express';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { DEV_DEFAULTS } from '../../src/common/config';
import { factories } from '../factories';
import { createTestDatabase, httpClient, TEST_DB, type TestApp } from '../harness';
import { startNginx, startRedis, type ThrowawayService } from '../throwaway-services';
import { freePort, startServerProcess, type ServerProcess } from './server-process';

/**
 * Issue 16: two server processes behind nginx on one MariaDB and one Redis; members claim coupons
 * and pay orders (order → WeChat confirms → notification through nginx) and a manager refunds, all
 * with Idempotency-Keys, while one replica is SIGKILLed and started again. Then: the only 5xx nginx
 * gave are requests in flight when the process died; every retry of every key replays or runs (never
 * 409 in progress); every order WeChat confirmed is paid exactly once (its points counted once) —
 * WeChat, the sandbox in this process on a compressed redelivery schedule, redelivers what the dead
 * replica never acknowledged; every refund settles; the invariants hold.
 *
 * The surviving replica runs the scheduled jobs (outbox dispatcher, refund settling); the killed one
 * runs none, so a kill in the middle of a job run cannot hold its 60 s lease past this test's budget.
 */
const mysqlOnly = TEST_DB === 'mysql' ? describe : describe.skip;

interface Call {
  kind: 'claim' | 'order' | 'refund';
  path: string;
  token: string;
  key: string;
  body: unknown;
  status: number;
  code: string | null;
  startedAt: number;
  endedAt: number;
  answer: any;
}

const t0 = Date.now();
const progress = (what: string) => {
  if (process.env.KILL_REPORT) console.log(`${((Date.now() - t0) / 1000).toFixed(1)}s ${what}`);
};

const REDELIVERY_SCALE = 0.001; // WeChat's 15 s, 15 s, 30 s, 3 min … as 15 ms, 15 ms, 30 ms, 180 ms …

/** Waits for a condition, polling; fails with `what` after `timeoutMs`. */
async function until<T>(
  what: string,
  read: () => Promise<T> | T,
  done: (v: T) => boolean,
  timeoutMs = 30_000,
) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

mysqlOnly('SIGKILL of one replica under load behind nginx', () => {
  let dir: string;
  let sandbox: WechatSandbox;
  let wechat: Server;
  let redis: ThrowawayService | undefined;
  let lb: ThrowawayService | undefined;
  let db: { url: string; drop: () => Promise<void> };
  const replicas: (ServerProcess | null)[] = [null, null];

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'allycard-kill-'));
    sandbox = createWechatSandbox({
      appid: DEV_DEFAULTS.wechatAppid,
      secret: DEV_DEFAULTS.wechatSecret,
      publicUrl: 'http://127.0.0.1',
      pay: { keyFile: path.join(dir, 'wechat-keys.json'), redeliveryScale: REDELIVERY_SCALE },
    });
    void sandbox.pay.keys; // written to the key file the replicas read
    const app = express();
    app.use('/sandbox', sandbox.router);
    wechat = await new Promise<Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    [db, redis] = await Promise.all([createTestDatabase(), startRedis()]);
  }, 60_000);
  afterAll(async () => {
    await Promise.all(replicas.map((r) => r?.kill()));
    await lb?.stop();
    await redis?.stop();
    sandbox.pay.close();
    await new Promise((r) => wechat.close(r));
    await db.drop();
    fs.rmSync(dir, { recursive: true, force: true });
  }, 30_000);

  it('gives 5xx only for what was in flight on it; keys replay or run, paid orders apply once, invariants hold', async () => {
    const wechatBase = `http://127.0.0.1:${(wechat.address() as AddressInfo).port}`;
    const ports = [await freePort(), await freePort()];
    const lbPort = await freePort();
    const lbUrl = `http://127.0.0.1:${lbPort}`;
    const env = {
      WECHAT_API_BASE: `${wechatBase}/sandbox`,
      WECHAT_SANDBOX_KEY_FILE: path.join(dir, 'wechat-keys.json'),
      PUBLIC_URL: lbUrl, // notify_url: WeChat's notifications come back through nginx
      REDIS_URL: redis!.url,
      REDIS_PREFIX: `k${randomBytes(4).toString('hex')}:`,
      RATE_LIMIT_SCALE: '100', // a load test, as bench/ runs it
    };
    const start = (i: number) =>
      startServerProcess({
        databaseUrl: db.url,
        port: ports[i],
        env: { ...env, JOBS: i === 0 ? 'on' : 'off' },
        timeoutMs: 60_000,
      });
    progress('started');
    replicas[0] = await start(0); // migrates the fresh database first
    replicas[1] = await start(1);
    progress('replicas up');
    lb = await startNginx(
      lbPort,
      ports.map((p) => `127.0.0.1:${p}`),
    );

    const viaLb = httpClient(lbUrl);
    const weixin = httpClient(wechatBase);
    const client: Pick<TestApp, 'api' | 'http'> = {
      api: viaLb.api,
      http: (method, p, o) =>
        p.startsWith('/sandbox/') ? weixin.http(method, p, o) : viaLb.http(method, p, o),
    };
    const f = factories(client);
    const merchant = await f.merchant();
    const manager = await f.staff(merchant.id, 'merchant_admin');
    const template = await f.template({ stock: 100_000, perMemberLimit: 100 });
    const claimers = await Promise.all(Array.from({ length: 8 }, () => f.member()));
    const payers = await Promise.all(Array.from({ length: 5 }, () => f.member()));
    // Orders paid before the load, one per member, for the manager to refund during it.
    const refundable: { id: string; token: string }[] = [];
    for (let i = 0; i < 16; i++) {
      const m = await f.member();
      const created = await client.api('POST', '/orders', {
        token: m.token,
        body: { merchantId: merchant.id, amountFen: 1_000 },
      });
      expect(created.status).toBe(201);
      await client.http('POST', `/sandbox/wechat/pay/${created.body.order.outTradeNo}/confirm`);
      refundable.push({ id: created.body.order.id, token: m.token });
    }
    const paidBefore = [...refundable];

    progress('setup done');
    // The load: raw fetches through nginx (its own 502 page is no answer of the API's).
    const calls: Call[] = [];
    const send = async (c: Pick<Call, 'kind' | 'path' | 'token' | 'key' | 'body'>, log = calls) => {
      const startedAt = Date.now();
      let status = 0;
      let answer: any = null;
      try {
        const res = await fetch(`${lbUrl}/api/v1${c.path}`, {
          method: 'POST',
          headers: {
            authorization: `Bearer ${c.token}`,
            'content-type': 'application/json',
            'idempotency-key': c.key,
          },
          body: JSON.stringify(c.body),
          signal: AbortSignal.timeout(20_000),
        });
        status = res.status;
        const text = await res.text();
        try {
          answer = JSON.parse(text);
        } catch {
          answer = text.slice(0, 200);
        }
      } catch (e) {
        answer = String(e);
      }
      const call: Call = {
        ...c,
        status,
        code: answer?.error?.code ?? null,
        startedAt,
        endedAt: Date.now(),
        answer,
      };
      log.push(call);
      return call;
    };
    let running = true;
    let serial = 0;
    const pause = () => new Promise((r) => setTimeout(r, 20));
    const confirmed: { outTradeNo: string; orderId: string; token: string; amountFen: number }[] = [];
    const claimer = async (token: string) => {
      // At most 90 tries each, under the template's 100 per member, retries of lost answers included.
      for (let n = 0; running && n < 90; n++) {
        await send({
          kind: 'claim',
          path: `/offers/${template.id}/claim`,
          token,
          key: `c-${++serial}`,
          body: {},
        });
        await pause();
      }
    };
    const payer = async (token: string) => {
      while (running) {
        const amountFen = 100 * (1 + (serial % 9));
        const body = { merchantId: merchant.id, amountFen };
        const c = await send({ kind: 'order', path: '/orders', token, key: `o-${++serial}`, body });
        if (c.status === 201 && c.answer.order.status === 'pending') {
          // The shopper pays at WeChat, which notifies the server through nginx (either replica).
          const paid = await weixin.http('POST', `/sandbox/wechat/pay/${c.answer.order.outTradeNo}/confirm`);
          expect(paid.status).toBe(200);
          confirmed.push({
            outTradeNo: c.answer.order.outTradeNo,
            orderId: c.answer.order.id,
            token,
            amountFen,
          });
        }
        await pause();
      }
    };
    const refunds: Call[] = [];
    const refunder = async () => {
      while (running && refundable.length > 0) {
        const order = refundable.shift()!;
        const path = `/staff/orders/${order.id}/refund`;
        refunds.push(
          await send({ kind: 'refund', path, token: manager.token, key: `r-${++serial}`, body: {} }),
        );
        await new Promise((r) => setTimeout(r, 500)); // spread over the kill and the restart
      }
    };
    const traffic = [
      ...claimers.map((m) => claimer(m.token)),
      ...payers.map((m) => payer(m.token)),
      refunder(),
    ];
    const ok = () => calls.filter((c) => c.status >= 200 && c.status < 300).length;

    await until('load before the kill', ok, (n) => n >= 60);
    progress('kill');
    const killSentAt = Date.now();
    await replicas[1]!.kill('SIGKILL');
    const killedAt = Date.now();
    const atKill = ok();
    await until('load on the survivor', ok, (n) => n >= atKill + 40);
    progress('restart');
    replicas[1] = await start(1);
    const atRestart = ok();
    await until('load on both again', ok, (n) => n >= atRestart + 60);
    progress('stop load');
    running = false;
    await Promise.all(traffic);

    progress('load stopped');
    // 1. The only 5xx are requests that were in flight when the replica died.
    const inFlight = calls.filter((c) => c.startedAt < killedAt && c.endedAt > killSentAt);
    const failed = calls.filter((c) => c.status >= 500 || c.status === 0);
    expect(failed.filter((c) => !inFlight.includes(c))).toEqual([]);
    expect(failed.filter((c) => c.status !== 502)).toEqual([]); // nginx's: nothing from the API itself
    expect(calls.filter((c) => c.code === 'IDEMPOTENCY_CONFLICT')).toEqual([]);

    progress('retrying');
    // 2. No key is stuck: each one, retried as it was, replays its answer or runs now.
    const retries: Call[] = [];
    for (let i = 0; i < calls.length; i += 8) {
      await Promise.all(calls.slice(i, i + 8).map((c) => send(c, retries)));
      if (i % 200 === 0) progress(`retried ${i} of ${calls.length}`);
    }
    const original = new Map(calls.map((c) => [c.key, c]));
    expect(retries.filter((r) => r.status >= 300).map((r) => [r.key, r.status, r.code])).toEqual([]);
    for (const r of retries) {
      const first = original.get(r.key)!;
      if (first.status >= 200 && first.status < 300) {
        if (r.kind === 'claim') expect(r.answer.id).toBe(first.answer.id);
        if (r.kind === 'order') expect(r.answer.order.id).toBe(first.answer.order.id);
      }
    }

    progress('orders');
    // 3. Every order WeChat confirmed is paid, once: each payer's points are the sum of its orders.
    /** How many of these orders (each with its member's token) are not yet in `status`. */
    const notYet = async (orders: { id: string; token: string }[], status: string) =>
      (
        await Promise.all(
          orders.map((o) =>
            client.api('GET', `/orders/${o.id}`, { token: o.token }).then((r) => r.body.status),
          ),
        )
      ).filter((s) => s !== status).length;
    const confirmedOrders = confirmed.map((o) => ({ id: o.orderId, token: o.token }));
    await until(
      'every confirmed order paid',
      () => notYet(confirmedOrders, 'paid'),
      (n) => n === 0,
    );
    for (const m of payers) {
      const expected = confirmed
        .filter((o) => o.token === m.token)
        .reduce((s, o) => s + o.amountFen / 100, 0);
      expect((await client.api('GET', '/me/points', { token: m.token })).body.balance).toBe(expected);
    }
    await until(
      'the sandbox to have nothing left to redeliver',
      () => sandbox.pay.pendingRedeliveries,
      (n) => n === 0,
    );

    progress('refunds');
    // 4. Every refund asked for (and retried) settles: the order refunded, its points clawed back.
    const askedFor = paidBefore.filter((o) => refunds.some((r) => r.path === `/staff/orders/${o.id}/refund`));
    expect(askedFor.length).toBeGreaterThan(0);
    await until(
      'every refund settled',
      () => notYet(askedFor, 'refunded'),
      (n) => n === 0,
      45_000, // one in flight on the dead replica is resent when its outbox claim lapses (15 s)
    );
    for (const o of askedFor) {
      expect((await client.api('GET', '/me/points', { token: o.token })).body.balance).toBe(0);
    }

    progress('invariants');
    const invariants = await client.api('GET', '/admin/invariants', { token: await f.adminToken() });
    expect(invariants.body.ok).toBe(true);

    // How many payments WeChat had to redeliver (the dead replica, or nginx's 502 for it, never acknowledged).
    let redelivered = 0;
    for (const o of confirmed) {
      const view = await weixin.http('GET', `/sandbox/wechat/pay/${o.outTradeNo}`);
      if (view.body.deliveries.some((d: { delivered: boolean }) => !d.delivered)) redelivered += 1;
    }
    if (process.env.KILL_REPORT)
      console.log(
        JSON.stringify({
          calls: calls.length,
          inFlightAtKill: inFlight.length,
          answered5xx: failed.length,
          confirmedOrders: confirmed.length,
          paymentsRedelivered: redelivered,
          refunds: askedFor.length,
          retries: retries.length,
        }),
      );
  }, 150_000);
});
