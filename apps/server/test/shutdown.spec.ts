import * as http from 'node:http';
import { DataSource } from 'typeorm';
import { readStoredTime } from '../src/database/columns';
import { startServerProcess } from './faults/server-process';
import { createTestDatabase, TEST_DB } from './harness';
import { eventually } from './pay-helpers';

/** A DataSource on the server process's database, for the test to look at and seed its tables. */
async function openDatabase(url: string): Promise<DataSource> {
  const ds = url.startsWith('sqlite:')
    ? new DataSource({ type: 'better-sqlite3', database: url.slice('sqlite:'.length) })
    : new DataSource({ type: 'mysql', url, timezone: 'Z' });
  return ds.initialize();
}

/** A POST whose body arrives in two halves, `gapMs` apart: in flight all that time. */
function slowPost(baseUrl: string, path: string, body: string, gapMs: number, between: () => void) {
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = http.request(
      `${baseUrl}${path}`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        let text = '';
        res.on('data', (c) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.on('error', reject);
    const half = Math.floor(body.length / 2);
    req.write(body.slice(0, half));
    setTimeout(between, 100);
    setTimeout(() => req.end(body.slice(half)), gapMs);
  });
}

describe(`graceful shutdown on SIGTERM (${TEST_DB})`, () => {
  it('finishes the request in flight with 2xx, refuses new connections, and exits 0 within seconds', async () => {
    const db = await createTestDatabase();
    const server = await startServerProcess({ databaseUrl: db.url });
    try {
      let signalledAt = 0;
      // An admin login (no call leaves the process, a bcrypt check), its body arriving slowly.
      const login = JSON.stringify({ username: 'admin', password: 'admin123' });
      const loggedIn = slowPost(server.baseUrl, '/api/v1/admin/login', login, 1500, () => {
        signalledAt = Date.now();
        process.kill(server.pid, 'SIGTERM');
      });
      // Shortly after SIGTERM the listener is closed: a new connection is refused.
      await new Promise((r) => setTimeout(r, 600));
      const late = await fetch(`${server.baseUrl}/api/v1/health/live`, { signal: AbortSignal.timeout(2000) })
        .then((r) => r.status)
        .catch(() => 'refused');
      expect(late).toBe('refused');

      const answer = await loggedIn;
      expect(answer.status).toBe(200);
      expect(typeof JSON.parse(answer.body).token).toBe('string');
      expect(await server.wait()).toBe(0);
      expect(Date.now() - signalledAt).toBeLessThan(5000);
    } finally {
      await server.kill();
      await db.drop();
    }
  });

  it('releases the job lease it holds, so another replica can take the job at once', async () => {
    const db = await createTestDatabase();
    const server = await startServerProcess({ databaseUrl: db.url, env: { JOBS: 'on', LOG_LEVEL: 'info' } });
    const ds = await openDatabase(db.url);
    try {
      // Enough due messages of a topic nobody sends to keep the outbox run (and its 60 s lease) busy for a while.
      const rows = Array.from(
        { length: 40_000 },
        (_, i) =>
          `(1, 'test.nobody-sends', 'k${i}', '{}', 'pending', 0, '2020-01-01 00:00:00.000', '2020-01-01 00:00:00.000')`,
      );
      for (let i = 0; i < rows.length; i += 500)
        await ds.query(
          `INSERT INTO outbox (alliance_id, topic, dedupe_key, payload, status, attempts, available_at, created_at) VALUES ${rows.slice(i, i + 500).join(',')}`,
        );
      const lease = async () => {
        const [row] = await ds.query(
          `SELECT owner, expires_at AS expiresAt FROM job_leases WHERE name = 'outbox'`,
        );
        return row ? { owner: row.owner as string, expiresAt: readStoredTime(row.expiresAt) } : null;
      };
      // The dispatcher runs every 5 s: wait until it holds the lease, mid-run.
      const held = await eventually(lease, (l) => !!l && l.expiresAt.getTime() > Date.now() + 30_000, 15_000);
      expect(held?.owner).toContain(`:${server.pid}:`);

      const signalledAt = Date.now();
      process.kill(server.pid, 'SIGTERM');
      expect(await server.wait()).toBe(0);
      expect(Date.now() - signalledAt).toBeLessThan(5000);

      const after = await lease();
      // Released, not left to expire a minute later: any replica's next tick takes it.
      expect(after!.expiresAt.getTime()).toBeLessThanOrEqual(Date.now());
      expect(after!.expiresAt.getTime()).toBeGreaterThanOrEqual(signalledAt - 1000);
      // The run stopped at the shutdown instead of finishing its 40 000 messages: the rest waits for the next holder.
      const [{ n }] = await ds.query(`SELECT COUNT(*) AS n FROM outbox WHERE attempts = 0`);
      expect(Number(n)).toBeGreaterThan(0);
    } finally {
      await ds.destroy();
      await server.kill();
      await db.drop();
    }
  });
});
