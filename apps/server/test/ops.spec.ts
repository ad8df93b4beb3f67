import { createApp } from '../src/app.factory';
import { ConfigError, loadConfig } from '../src/common/config';
import { TransactionRunner } from '../src/common/transactions';
import { ShutdownState } from '../src/health/shutdown';
import { JobLeases } from '../src/jobs/job-leases';
import { OutboxMessage } from '../src/outbox/outbox.entity';
import { OutboxService, outboxTopic } from '../src/outbox/outbox.service';
import { factories } from './factories';
import { createTestDatabase, httpClient, startTestApp, TestApp, TEST_DB } from './harness';
import { paidOrders } from './paid-orders';
import { freePort } from './faults/server-process';

/** The value of one series in Prometheus' text format, or undefined when it is absent. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][\w:]*)(?:\{([^}]*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = m[2] ? m[2].split(',') : [];
    if (wanted.every((w) => have.includes(w))) return Number(m[3]);
  }
  return undefined;
}

const PRODUCTION_ENV = {
  NODE_ENV: 'production',
  PUBLIC_URL: 'https://card.example.com',
  WECHAT_APPID: 'wx_live_appid',
  WECHAT_SECRET: 'live_secret',
  ADMIN_PASSWORD: 'a-strong-admin-password',
  APP_SECRET: 'x'.repeat(40),
};

describe(`health, readiness and metrics (${TEST_DB})`, () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('keeps GET /health as it was, and adds /health/live and /health/ready', async () => {
    const health = await t.api('GET', '/health');
    expect(health.status).toBe(200);
    expect(health.body).toEqual({
      status: 'ok',
      database: TEST_DB === 'mysql' ? 'mysql' : 'sqlite',
      outbox: { pending: 0, dead: 0 },
    });

    const live = await t.api('GET', '/health/live');
    expect(live.status).toBe(200);
    expect(live.body.status).toBe('ok');

    const ready = await t.api('GET', '/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.body.status).toBe('ok');
    expect(ready.body.details.database.status).toBe('up');
    expect(ready.body.details.outbox).toMatchObject({ status: 'up', pending: 0, lagSeconds: 0 });
    expect(ready.body.details.redis).toBeUndefined(); // no REDIS_URL
  });

  it('is not ready while a due outbox message waits longer than the threshold (503 in the envelope)', async () => {
    const outbox = t.app.get(OutboxService);
    const repo = t.dataSource.getRepository(OutboxMessage);
    const key = `lag-${Date.now()}`;
    const topic = outboxTopic<{ n: number }>('test.lag');
    // Due 10 minutes ago, never sent (the dispatcher does not run in tests): the default threshold is 300 s.
    await t.dataSource.transaction((em) =>
      outbox.enqueue(em, {
        allianceId: '1',
        topic,
        key,
        payload: { n: 1 },
        availableAt: new Date(Date.now() - 600_000),
      }),
    );
    // A retry due later is waiting for its time, not lagging.
    await t.dataSource.transaction((em) =>
      outbox.enqueue(em, {
        allianceId: '1',
        topic,
        key: `${key}-later`,
        payload: { n: 2 },
        availableAt: new Date(Date.now() + 600_000),
      }),
    );
    try {
      const ready = await t.api('GET', '/health/ready');
      expect(ready.status).toBe(503);
      expect(ready.body.error.code).toBe('SERVICE_UNAVAILABLE');
      expect(typeof ready.body.error.message).toBe('string');
      const outboxCheck = ready.body.error.details.error.outbox;
      expect(outboxCheck.status).toBe('down');
      expect(outboxCheck.lagSeconds).toBeGreaterThanOrEqual(599);
      expect(outboxCheck.pending).toBe(2);
      // Liveness asks nothing: the process is fine, restarting it would not send the message.
      expect((await t.api('GET', '/health/live')).status).toBe(200);
      // The original check still answers 200: pending is not dead.
      expect((await t.api('GET', '/health')).body.outbox).toEqual({ pending: 2, dead: 0 });

      const metrics = (await t.http('GET', '/metrics')).body as string;
      expect(sample(metrics, 'allycard_outbox_messages', { status: 'pending' })).toBe(2);
      expect(sample(metrics, 'allycard_outbox_lag_seconds')).toBeGreaterThanOrEqual(599);
      expect(sample(metrics, 'allycard_outbox_oldest_pending_age_seconds')).toBeLessThan(60);
    } finally {
      await repo.update({ topic: topic.name }, { status: 'sent' });
    }
    expect((await t.api('GET', '/health/ready')).status).toBe(200);
  });

  it('is not ready once the process is shutting down; liveness still answers', async () => {
    const state = t.app.get(ShutdownState);
    state.draining = true;
    try {
      const ready = await t.api('GET', '/health/ready');
      expect(ready.status).toBe(503);
      expect(ready.body.error.code).toBe('SERVICE_UNAVAILABLE');
      expect(ready.body.error.details.error.shutdown.status).toBe('down');
      expect(ready.body.error.details.info.database.status).toBe('up');
      expect((await t.api('GET', '/health/live')).status).toBe(200);
    } finally {
      state.draining = false;
    }
    expect((await t.api('GET', '/health/ready')).status).toBe(200);
  });

  it('counts requests per route template, method and status class, with latency', async () => {
    const f = factories(t);
    const secretToken = `tok${Date.now()}`;
    for (let i = 0; i < 3; i++) expect((await t.api('GET', `/shares/${secretToken}${i}`)).status).toBe(404);
    const member = await f.member();
    expect((await t.api('GET', '/me', { token: member.token })).status).toBe(200);
    expect((await t.api('GET', '/me')).status).toBe(401);
    expect((await t.api('GET', '/no/such/route')).status).toBe(404);

    const res = await t.http('GET', '/metrics');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = res.body as string;
    const shares = { method: 'GET', route: '/api/v1/shares/:token', status_class: '4xx' };
    expect(sample(text, 'allycard_http_requests_total', shares)).toBe(3);
    expect(sample(text, 'allycard_http_request_duration_seconds_count', shares)).toBe(3);
    expect(sample(text, 'allycard_http_request_duration_seconds_bucket', { ...shares, le: '+Inf' })).toBe(3);
    expect(
      sample(text, 'allycard_http_requests_total', {
        method: 'GET',
        route: '/api/v1/me',
        status_class: '2xx',
      }),
    ).toBe(1);
    expect(
      sample(text, 'allycard_http_requests_total', {
        method: 'GET',
        route: '/api/v1/me',
        status_class: '4xx',
      }),
    ).toBe(1);
    expect(
      sample(text, 'allycard_http_requests_total', {
        method: 'POST',
        route: '/api/v1/join',
        status_class: '2xx',
      }),
    ).toBeGreaterThanOrEqual(1);
    // No raw URL, id or token ever becomes a label: unmatched paths share one series.
    expect(text).not.toContain(secretToken);
    expect(text).not.toContain('/no/such/route');
    expect(
      sample(text, 'allycard_http_requests_total', { route: 'unmatched', status_class: '4xx' }),
    ).toBeGreaterThanOrEqual(1);
    // The sandbox's routes are templated under its mount too.
    expect(
      sample(text, 'allycard_http_requests_total', {
        route: '/sandbox/sns/jscode2session',
        status_class: '2xx',
      }),
    ).toBeGreaterThanOrEqual(1);
    // Process metrics come along.
    expect(sample(text, 'process_resident_memory_bytes')).toBeGreaterThan(0);
  });

  it('counts job runs by job and outcome, and WeChat Pay calls by call and outcome', async () => {
    const leases = t.app.get(JobLeases);
    const tick = () => new Promise((r) => setTimeout(r, 10)); // a released lease is free from the next millisecond
    await leases.runExclusive('metrics-probe', 10_000, async () => undefined);
    await tick();
    await leases.runExclusive('metrics-probe', 10_000, async () => {
      throw new Error('boom');
    });
    // Held by another replica: skipped.
    const other = new JobLeases(t.app.get(TransactionRunner));
    await tick();
    let release!: () => void;
    let held!: Promise<boolean>;
    await new Promise<void>((started) => {
      held = other.runExclusive('metrics-probe', 10_000, () => {
        started();
        return new Promise<void>((r) => (release = r));
      });
    });
    expect(await leases.runExclusive('metrics-probe', 10_000, async () => undefined)).toBe(false);
    release();
    expect(await held).toBe(true);

    const f = factories(t);
    const merchant = await f.merchant();
    const member = await f.member();
    await paidOrders(t).pay(member.token, { merchantId: merchant.id, amountFen: 1_000 });

    const text = (await t.http('GET', '/metrics')).body as string;
    expect(sample(text, 'allycard_job_runs_total', { job: 'metrics-probe', outcome: 'ok' })).toBe(1);
    expect(sample(text, 'allycard_job_runs_total', { job: 'metrics-probe', outcome: 'failed' })).toBe(1);
    expect(sample(text, 'allycard_job_runs_total', { job: 'metrics-probe', outcome: 'skipped' })).toBe(1);
    expect(sample(text, 'allycard_wechat_pay_calls_total', { call: 'jsapi', outcome: 'ok' })).toBe(1);
    // The sandbox's payment notification came back and was verified.
    expect(
      sample(text, 'allycard_wechat_pay_calls_total', { call: 'notification', outcome: 'ok' }),
    ).toBeGreaterThanOrEqual(1);
  });
});

describe(`readiness with Redis (${TEST_DB})`, () => {
  it('is not ready when REDIS_URL points at a Redis that does not answer', async () => {
    const port = await freePort(); // nothing listens there
    const t = await startTestApp({ REDIS_URL: `redis://127.0.0.1:${port}` });
    try {
      const ready = await t.api('GET', '/health/ready');
      expect(ready.status).toBe(503);
      expect(ready.body.error.code).toBe('SERVICE_UNAVAILABLE');
      expect(ready.body.error.details.error.redis.status).toBe('down');
      expect(ready.body.error.details.info.database.status).toBe('up');
      // Correctness never depends on Redis: the rest answers.
      expect((await t.api('GET', '/health/live')).status).toBe(200);
      expect((await t.api('GET', '/health')).status).toBe(200);
    } finally {
      await t.close();
    }
  });
});

describe('metrics in production', () => {
  it('refuses to start without METRICS_TOKEN unless metrics are off', () => {
    const env = { ...PRODUCTION_ENV, DATABASE_URL: 'mysql://u:p@127.0.0.1/db' };
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(/METRICS_TOKEN is required/);
    expect(loadConfig({ ...env, METRICS: 'off' }).metrics).toEqual({ enabled: false, token: undefined });
    expect(() => loadConfig({ ...env, METRICS_TOKEN: 'short' })).toThrow(/at least 16/);
    expect(loadConfig({ ...env, METRICS_TOKEN: 'm'.repeat(24) }).metrics.token).toBe('m'.repeat(24));
    // Development stays open without a token.
    expect(loadConfig({ NODE_ENV: 'development' }).metrics).toEqual({ enabled: true, token: undefined });
  });

  it('answers /metrics only with the bearer token (401 in the envelope otherwise), and 404 when off', async () => {
    const db = await createTestDatabase();
    const token = 'scrape-token-0123456789abcdef';
    const start = async (extra: Record<string, string>) => {
      const config = loadConfig({
        ...PRODUCTION_ENV,
        DATABASE_URL: db.url,
        LOG_LEVEL: 'silent',
        MINIAPP_H5_DIR: '/nonexistent',
        CONSOLE_DIR: '/nonexistent',
        ...extra,
      });
      const app = await createApp(config);
      await app.listen(0, '127.0.0.1');
      const { port } = app.getHttpServer().address() as { port: number };
      return { app, ...httpClient(`http://127.0.0.1:${port}`) };
    };
    const on = await start({ METRICS_TOKEN: token });
    try {
      expect((await on.api('GET', '/health/ready')).status).toBe(200);
      const none = await on.http('GET', '/metrics');
      expect(none.status).toBe(401);
      expect(none.body.error.code).toBe('UNAUTHENTICATED');
      expect((await on.http('GET', '/metrics', { token: `${token}x` })).status).toBe(401);
      expect((await on.http('GET', '/metrics', { token: 'wrong' })).status).toBe(401);
      const ok = await on.http('GET', '/metrics', { token });
      expect(ok.status).toBe(200);
      expect(
        sample(ok.body, 'allycard_http_requests_total', {
          method: 'GET',
          route: '/api/v1/health/ready',
          status_class: '2xx',
        }),
      ).toBe(1);
    } finally {
      await on.app.close();
    }
    const off = await start({ METRICS: 'off' });
    try {
      const res = await off.http('GET', '/metrics');
      expect(res.status).toBe(404);
    } finally {
      await off.app.close();
      await db.drop();
    }
  });
});
