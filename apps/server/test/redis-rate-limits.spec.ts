import { createTestDatabase, httpClient, TEST_DB } from './harness';
import { startServerProcess, ServerProcess } from './faults/server-process';
import { eventually } from './pay-helpers';
import { startRedis, ThrowawayService } from './throwaway-services';

/**
 * REDIS_URL: two server processes (each on a database of its own) share their rate-limit counters
 * through one Redis, so a limit holds however a load balancer spreads the requests; Redis going away
 * turns the limits off with a warning and every request is still answered.
 */
describe(`rate limits in Redis across replicas (${TEST_DB})`, () => {
  let redis: ThrowawayService;
  const replicas: ServerProcess[] = [];
  const dbs: { drop: () => Promise<void> }[] = [];

  beforeAll(async () => {
    redis = await startRedis();
    for (let i = 0; i < 2; i++) {
      const db = await createTestDatabase();
      dbs.push(db);
      replicas.push(
        await startServerProcess({ databaseUrl: db.url, env: { REDIS_URL: redis.url, LOG_LEVEL: 'info' } }),
      );
    }
  });
  afterAll(async () => {
    for (const r of replicas) await r.kill();
    await redis?.stop();
    for (const db of dbs) await db.drop();
  });

  // A public route under the default limit, 300 a minute per client address.
  const preview = (replica: ServerProcess) => httpClient(replica.baseUrl).api('GET', '/shares/no-such-token');

  it('counts one limit over both replicas, then answers 429 on either', async () => {
    const [a, b] = replicas;
    const first = await Promise.all(
      Array.from({ length: 300 }, (_, i) => preview(i % 2 ? a : b)).map((p) => p.then((r) => r.status)),
    );
    // 150 on each: a replica counting alone would allow 150 more.
    expect(first.filter((s) => s === 429)).toHaveLength(0);
    expect((await preview(a)).status).toBe(429);
    expect((await preview(b)).body.error.code).toBe('RATE_LIMITED');
  });

  it('answers every request without limits once Redis is gone, and says so in the log', async () => {
    const [a, b] = replicas;
    expect((await preview(a)).status).toBe(429);
    await redis.stop();
    const after = await Promise.all(
      Array.from({ length: 20 }, (_, i) => preview(i % 2 ? a : b)).map((p) => p.then((r) => r.status)),
    );
    // Redis counted the previous requests; without it nothing is counted: the route answers on its merits.
    expect(after.every((s) => s === 404)).toBe(true);
    for (const replica of replicas) {
      const warned = await eventually(
        async () => replica.logTail(200),
        (log) => log.includes('Redis unavailable, rate limits are not enforced'),
      );
      expect(warned).toContain('Redis unavailable, rate limits are not enforced');
    }
  });
});
