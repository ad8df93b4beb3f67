import { Injectable, Module, type INestApplication } from '@nestjs/common';
import { Cron } from '@nestjs/schedule';
import { DataSource } from 'typeorm';
import { createApp } from '../src/app.factory';
import { loadConfig } from '../src/common/config';
import { JobLease, JobLeases } from '../src/jobs/job-leases';
import { OutboxDispatcher } from '../src/outbox/outbox.dispatcher';
import { OutboxJobs } from '../src/outbox/outbox.jobs';
import { OutboxMessage } from '../src/outbox/outbox.entity';
import { OutboxService, outboxTopic } from '../src/outbox/outbox.service';
import { createTestDatabase, TEST_DB } from './harness';

/** Every run of the probe job, on whichever replica: which one and when. */
const runs: { owner: string; at: number }[] = [];

/** A job like the real ones: every second, through the lease, taking a while. */
@Injectable()
class ProbeJob {
  constructor(private readonly leases: JobLeases) {}

  @Cron('* * * * * *', { name: 'probe' })
  tick() {
    return this.leases.runExclusive('probe', 5_000, async () => {
      runs.push({ owner: this.leases.owner, at: Date.now() });
      await new Promise((r) => setTimeout(r, 300));
    });
  }
}

@Module({ providers: [ProbeJob] })
class ProbeModule {}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Two replicas (two app instances with their own connection pools) on one database, the scheduler on:
 * each scheduled job and the outbox dispatcher run once across them, and when the replica holding a
 * lease stops, the other takes the job over at once. MariaDB only: replicas share a MariaDB/MySQL;
 * SQLite is the one-process deployment, and two apps on one SQLite file in one process cannot take
 * turns (better-sqlite3 waits for the other's write lock synchronously, blocking the very thread that
 * would release it, until busy_timeout fails it).
 */
(TEST_DB === 'mysql' ? describe : describe.skip)('scheduled jobs across two replicas on one MariaDB', () => {
  let db: { url: string; drop: () => Promise<void> };
  let a: INestApplication;
  let b: INestApplication;
  const open = new Set<INestApplication>();
  const stop = async (app: INestApplication) => {
    if (open.delete(app)) await app.close();
  };

  const start = async (jobs: 'on' | 'off') => {
    const config = loadConfig({
      NODE_ENV: 'test',
      PORT: '0',
      DATABASE_URL: db.url,
      SEED_DEMO: 'false',
      JOBS: jobs,
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
      MINIAPP_H5_DIR: '/nonexistent',
      CONSOLE_DIR: '/nonexistent',
    });
    const app = await createApp(config, jobs === 'on' ? [ProbeModule] : []);
    await app.init();
    open.add(app);
    return app;
  };

  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    for (const app of [...open]) await stop(app);
    await db.drop();
  });

  it('runs the outbox dispatcher once for messages both replicas dispatch at the same moment', async () => {
    a = await start('off');
    b = await start('off');
    const sends: string[] = [];
    const topic = outboxTopic<{ n: number }>('test.replicas');
    for (const [name, app] of [
      ['a', a],
      ['b', b],
    ] as const)
      app.get(OutboxDispatcher).register(topic, async (payload) => {
        sends.push(`${name}:${payload.n}`);
        await sleep(5);
        return 'done';
      });
    const outbox = a.get(OutboxService);
    await a.get(DataSource).transaction(async (em) => {
      for (let n = 0; n < 40; n++)
        await outbox.enqueue(em, { allianceId: '1', topic, key: `r${n}`, payload: { n } });
    });
    // Both replicas' scheduled entry point at once, three ticks in a row: the lease lets one run.
    const tick = (app: INestApplication) =>
      (app.get(OutboxJobs) as unknown as { scheduledDispatch(): Promise<boolean> }).scheduledDispatch();
    for (let i = 0; i < 3; i++) {
      const ran = await Promise.all([tick(a), tick(b)]);
      expect(ran.filter(Boolean).length).toBeLessThanOrEqual(1);
      await sleep(5);
    }
    // Every message sent exactly once, whichever replica sent it.
    expect(sends).toHaveLength(40);
    expect(new Set(sends.map((s) => s.split(':')[1])).size).toBe(40);
    const sent = await a
      .get(DataSource)
      .getRepository(OutboxMessage)
      .countBy({ topic: topic.name, status: 'sent' });
    expect(sent).toBe(40);
    await stop(a);
    await stop(b);
  });

  it('runs a scheduled job once per period across both replicas, and the other takes over when the holder stops', async () => {
    runs.length = 0;
    a = await start('on');
    b = await start('on');
    const owners = { a: a.get(JobLeases).owner, b: b.get(JobLeases).owner };
    const bothUp = Date.now(); // a ticks alone while b starts, which takes seconds on a busy machine
    await sleep(4_200);

    const perSecond = new Map<number, string[]>();
    for (const r of runs)
      perSecond.set(Math.floor(r.at / 1000), [...(perSecond.get(Math.floor(r.at / 1000)) ?? []), r.owner]);
    // One run per tick, never one on each replica: 4 ticks in 4.2 s, give or take the first.
    expect([...perSecond.values()].every((owners) => owners.length === 1)).toBe(true);
    const whileBothUp = runs.filter((r) => r.at >= bothUp);
    expect(whileBothUp.length).toBeGreaterThanOrEqual(3);
    expect(whileBothUp.length).toBeLessThanOrEqual(5);
    expect(runs.every((r) => r.owner === owners.a || r.owner === owners.b)).toBe(true);

    // Stop whichever replica ran last; from then on the other runs every tick.
    const last = runs[runs.length - 1].owner;
    const [stopping, staying] = last === owners.a ? [a, b] : [b, a];
    await stop(stopping);
    const stoppedAt = Date.now();
    await sleep(3_200);
    const after = runs.filter((r) => r.at > stoppedAt);
    expect(after.length).toBeGreaterThanOrEqual(2);
    expect(after.every((r) => r.owner === staying.get(JobLeases).owner)).toBe(true);
    await stop(staying);
  });

  it('frees a lease held by a job that ignores the shutdown, after the wait, not at its expiry', async () => {
    a = await start('off');
    b = await start('off');
    const leasesA = a.get(JobLeases);
    const leasesB = b.get(JobLeases);
    leasesA.shutdownWaitMs = 300;
    // A job that never finishes, under a lease of ten minutes.
    void leasesA.runExclusive('stubborn', 600_000, () => new Promise(() => undefined));
    await sleep(100);
    expect(await leasesB.runExclusive('stubborn', 600_000, async () => undefined)).toBe(false);

    const ds = b.get(DataSource);
    const t0 = Date.now();
    await stop(a);
    expect(Date.now() - t0).toBeLessThan(3_000);
    const lease = await ds.getRepository(JobLease).findOneByOrFail({ name: 'stubborn' });
    expect(lease.owner).toBe(leasesA.owner);
    expect(lease.expiresAt.getTime()).toBeLessThanOrEqual(Date.now());
    // The other replica takes it at once, not in ten minutes.
    let ran = false;
    expect(
      await leasesB.runExclusive('stubborn', 600_000, async () => {
        ran = true;
      }),
    ).toBe(true);
    expect(ran).toBe(true);
    await stop(b);
  });
});
