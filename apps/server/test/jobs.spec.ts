import { startTestApp, TestApp, TEST_DB } from './harness';
import { JobLeases } from '../src/jobs/job-leases';
import { TransactionRunner } from '../src/common/transactions';
import { OrdersJobs } from '../src/orders/orders.jobs';

/** Scheduled jobs run on one replica at a time. */
describe(`job leases (${TEST_DB})`, () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('lets exactly one of two replicas run a job at once, and the next run after it finished', async () => {
    const replicaA = t.app.get(JobLeases);
    const replicaB = new JobLeases(t.app.get(TransactionRunner));
    expect(replicaB.owner).not.toBe(replicaA.owner);
    let running = 0;
    let ran = 0;
    const work = async () => {
      running++;
      expect(running).toBe(1);
      await new Promise((r) => setTimeout(r, 150));
      ran++;
      running--;
    };
    const results = await Promise.all([
      replicaA.runExclusive('test-job', 10_000, work),
      replicaB.runExclusive('test-job', 10_000, work),
      replicaA.runExclusive('test-job', 10_000, work),
    ]);
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(ran).toBe(1);
    // Released when done: the next tick may run it again, on either replica.
    expect(await replicaB.runExclusive('test-job', 10_000, work)).toBe(true);
    expect(ran).toBe(2);
  });

  it('keeps a lease whose holder crashed only until it expires', async () => {
    const replicaA = t.app.get(JobLeases);
    const replicaB = new JobLeases(t.app.get(TransactionRunner));
    // A replica that dies mid-job never releases: simulate by a work that never settles, with a short lease.
    void replicaA.runExclusive('crashy-job', 200, () => new Promise(() => undefined));
    await new Promise((r) => setTimeout(r, 50));
    expect(await replicaB.runExclusive('crashy-job', 200, async () => undefined)).toBe(false);
    await new Promise((r) => setTimeout(r, 250));
    expect(await replicaB.runExclusive('crashy-job', 200, async () => undefined)).toBe(true);
  });

  it('runs the scheduled entry points through the lease', async () => {
    const jobs = t.app.get(OrdersJobs) as unknown as { scheduledSettleStale(): Promise<boolean> };
    expect(await jobs.scheduledSettleStale()).toBe(true);
  });
});
