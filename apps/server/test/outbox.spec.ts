import { factories } from './factories';
import { startTestApp, TestApp, TEST_DB } from './harness';
import { TransactionRunner } from '../src/common/transactions';
import { InvariantsService } from '../src/invariants/invariants.service';
import { OrderLifecycleService } from '../src/orders/order-lifecycle.service';
import {
  CLAIM_MS,
  MAX_ATTEMPTS,
  OutboxDispatcher,
  OutboxOutcome,
  retryDelayMs,
} from '../src/outbox/outbox.dispatcher';
import { OutboxMessage } from '../src/outbox/outbox.entity';
import { OutboxJobs } from '../src/outbox/outbox.jobs';
import { OutboxService, outboxTopic } from '../src/outbox/outbox.service';
import { Order } from '../src/orders/order.entities';
import { APP_CONFIG } from '../src/common/config';

/** The transactional outbox: due messages sent once, retried with backoff, never lost to a dead sender. */
describe(`outbox (${TEST_DB})`, () => {
  let t: TestApp;
  let f: ReturnType<typeof factories>;
  let dispatcher: OutboxDispatcher;
  let allianceId: string;

  beforeAll(async () => {
    t = await startTestApp();
    f = factories(t);
    dispatcher = t.app.get(OutboxDispatcher);
    allianceId = String((await t.dataSource.query('SELECT id FROM alliances'))[0].id);
  });
  afterAll(() => t.close());

  const enqueue = (topic: string, key: string, payload: object, availableAt: Date) =>
    t.app
      .get(TransactionRunner)
      .run((em) =>
        t.app
          .get(OutboxService)
          .enqueue(em, { allianceId, topic: outboxTopic(topic), key, payload, availableAt }),
      );
  const row = (topic: string, key: string) =>
    t.dataSource.getRepository(OutboxMessage).findOneByOrFail({ topic, dedupeKey: key });

  it('sends due messages oldest first and each once, however many senders race for them', async () => {
    const sent: string[] = [];
    dispatcher.register(outboxTopic<{ n: string }>('test.race'), async ({ n }) => {
      await new Promise((r) => setTimeout(r, 20));
      sent.push(n);
      return 'done';
    });
    const t0 = new Date(Date.now() - 60_000);
    for (const n of ['c', 'a', 'b'])
      await enqueue('test.race', n, { n }, new Date(t0.getTime() + n.charCodeAt(0)));
    await enqueue('test.race', 'later', { n: 'later' }, new Date(Date.now() + 3_600_000));
    await enqueue('test.race', 'a', { n: 'a-again' }, t0); // same key: the first message stands

    const now = new Date();
    await Promise.all([
      dispatcher.dispatchDue(now),
      dispatcher.dispatchDue(now),
      dispatcher.sendNow(outboxTopic('test.race'), 'b', now),
    ]);
    expect([...sent].sort()).toEqual(['a', 'b', 'c']);
    expect((await row('test.race', 'later')).status).toBe('pending');
    for (const n of ['a', 'b', 'c'])
      expect(await row('test.race', n)).toMatchObject({ status: 'sent', attempts: 1 });

    sent.length = 0;
    await dispatcher.dispatchDue(now); // nothing due twice
    expect(sent).toEqual([]);
    // Alone, one dispatcher takes them in due order.
    for (const n of ['z', 'x', 'y'])
      await enqueue('test.race', `o-${n}`, { n }, new Date(t0.getTime() + n.charCodeAt(0)));
    await dispatcher.dispatchDue(now);
    expect(sent).toEqual(['x', 'y', 'z']);
  });

  it('sends again a message whose sender died mid-send, after its claim lapses; the dead sender cannot overwrite', async () => {
    let first = true;
    let finishStale: (outcome: OutboxOutcome) => void = () => undefined;
    const calls: number[] = [];
    dispatcher.register(outboxTopic('test.crash'), (_payload, message) => {
      calls.push(message.attempts);
      if (!first) return Promise.resolve('done');
      first = false;
      return new Promise<OutboxOutcome>((resolve) => (finishStale = resolve)); // hangs, like a killed process
    });
    const now = new Date();
    await enqueue('test.crash', 'k1', {}, now);
    const stale = dispatcher.dispatchDue(now);
    for (let i = 0; i < 100 && !calls.length; i++) await new Promise((r) => setTimeout(r, 10));
    expect(calls).toEqual([1]);

    await dispatcher.dispatchDue(new Date(now.getTime() + CLAIM_MS - 1_000)); // still claimed
    expect(calls).toEqual([1]);
    await dispatcher.dispatchDue(new Date(now.getTime() + CLAIM_MS + 1_000));
    expect(calls).toEqual([1, 2]);
    expect(await row('test.crash', 'k1')).toMatchObject({ status: 'sent', attempts: 2 });

    finishStale({ retry: 'late answer of the first attempt' });
    await stale;
    expect(await row('test.crash', 'k1')).toMatchObject({ status: 'sent', attempts: 2, lastError: null });
  });

  it('closes at WeChat the order it closed here; paid there after all, the payment is applied and flagged', async () => {
    const config = t.app.get(APP_CONFIG);
    const merchant = await f.merchant();
    const m = await f.member();
    const realUrl = config.publicUrl;
    config.publicUrl = 'http://127.0.0.1:9'; // the payment notification is lost
    let created: { id: string; outTradeNo: string };
    try {
      created = (
        await t.api('POST', '/orders', {
          token: m.token,
          body: { merchantId: merchant.id, amountFen: 1_500 },
        })
      ).body.order;
    } finally {
      config.publicUrl = realUrl;
    }
    const order = await t.dataSource.getRepository(Order).findOneByOrFail({ id: created.id });
    const at = new Date();
    expect(await t.app.get(OrderLifecycleService).close(order, at)).toBe(true);
    expect(await row('wechat.close-order', created.outTradeNo)).toMatchObject({
      status: 'pending',
      attempts: 0,
    });
    // The payer finished just before WeChat heard of the close.
    expect((await t.http('POST', `/sandbox/wechat/pay/${created.outTradeNo}/confirm`)).body.delivered).toBe(
      false,
    );

    await dispatcher.dispatchDue(at);
    expect(await row('wechat.close-order', created.outTradeNo)).toMatchObject({
      status: 'sent',
      attempts: 1,
    });
    expect(await t.dataSource.getRepository(Order).findOneByOrFail({ id: created.id })).toMatchObject({
      status: 'closed',
      flag: 'paid_after_close',
    });
  });

  it('runs the scheduled dispatch through the job lease', async () => {
    const jobs = t.app.get(OutboxJobs) as unknown as { scheduledDispatch(): Promise<boolean> };
    expect(await jobs.scheduledDispatch()).toBe(true);
  });

  // Last: it leaves a dead message behind.
  it('retries with exponential backoff, then gives up: the dead message shows on /health and /admin/invariants', async () => {
    let attempts = 0;
    dispatcher.register(outboxTopic('test.flaky'), async () => {
      attempts++;
      return { retry: 'receiver gave no answer' };
    });
    expect((await t.api('GET', '/health')).body).toMatchObject({ status: 'ok', outbox: { dead: 0 } });
    let at = new Date();
    await enqueue('test.flaky', 'f1', {}, at);
    const delays: number[] = [];
    for (let n = 1; n < MAX_ATTEMPTS; n++) {
      await dispatcher.dispatchDue(at);
      const message = await row('test.flaky', 'f1');
      expect(message).toMatchObject({ status: 'pending', attempts: n, lastError: 'receiver gave no answer' });
      delays.push(message.availableAt.getTime() - at.getTime());
      await dispatcher.dispatchDue(new Date(message.availableAt.getTime() - 1)); // not due yet
      at = message.availableAt;
    }
    expect(delays).toEqual([30, 60, 120, 240, 480, 960, 1920, 3600, 3600].map((s) => s * 1000));
    expect(delays).toEqual(delays.map((_, i) => retryDelayMs(i + 1)));
    expect(await dispatcher.dispatchDue(at)).toMatchObject({ dead: 1 });
    expect(attempts).toBe(MAX_ATTEMPTS);
    expect((await row('test.flaky', 'f1')).status).toBe('dead');
    await dispatcher.dispatchDue(new Date(at.getTime() + 86_400_000));
    expect(attempts).toBe(MAX_ATTEMPTS);

    const health = await t.api('GET', '/health');
    expect(health.status).toBe(200);
    expect(health.body).toMatchObject({ status: 'degraded', outbox: { dead: 1 } });
    const report = await t.api('GET', '/admin/invariants', { token: await f.adminToken() });
    expect(report.body.ok).toBe(false);
    expect(report.body.checks.find((c: { name: string }) => c.name.startsWith('outbox'))).toMatchObject({
      ok: false,
      detail: expect.stringContaining('test.flaky f1'),
    });
    expect(report.body.deadOutbox).toEqual([
      expect.objectContaining({ topic: 'test.flaky', key: 'f1', attempts: MAX_ATTEMPTS }),
    ]);
    // Another alliance's operators do not see it.
    expect((await t.app.get(InvariantsService).check('999999')).deadOutbox).toEqual([]);
  });
});
