import { DataSource } from 'typeorm';
import { factories } from '../factories';
import { createTestDatabase, httpClient, TEST_DB } from '../harness';
import { startServerProcess } from './server-process';

/**
 * Issue 10: the server process is SIGKILLed right after a claim's transaction committed and before its
 * answer was stored or sent; a retry with the same key, on a restarted server, replays the coupon.
 */
describe(`a crash between an idempotent claim's commit and its answer (${TEST_DB})`, () => {
  let db: { url: string; drop: () => Promise<void> };
  let sql: DataSource;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    if (sql?.isInitialized) await sql.destroy();
    await db.drop();
  });

  /** The test's own connection to the servers' database, to assert from it. */
  async function rows(query: string, params: unknown[]) {
    sql ??= new DataSource(
      db.url.startsWith('sqlite:')
        ? { type: 'better-sqlite3', database: db.url.slice('sqlite:'.length) }
        : { type: 'mysql', url: db.url, supportBigNumbers: true, bigNumberStrings: true },
    );
    if (!sql.isInitialized) await sql.initialize();
    return sql.query(query, params);
  }

  it('replays the coupon to the retry with the same key after a restart; one coupon exists', async () => {
    const claim = { token: '', headers: { 'idempotency-key': `crash-${Date.now()}` } };
    let templateId = '';

    const doomed = await startServerProcess({
      databaseUrl: db.url,
      env: { FAULT_INJECT: 'after-commit:claim' },
    });
    try {
      const client = httpClient(doomed.baseUrl);
      const f = factories(client);
      templateId = (await f.template({ perMemberLimit: 3 })).id;
      claim.token = (await f.member()).token;
      const answer = await client.api('POST', `/offers/${templateId}/claim`, claim).then(
        (res) => `answered ${res.status}`,
        () => 'no answer',
      );
      expect(answer).toBe('no answer');
      expect(await doomed.wait()).toBe('SIGKILL');
    } finally {
      await doomed.kill();
    }
    // Both the coupon and the key committed; the answer was never stored.
    const coupons = await rows('SELECT id FROM coupons WHERE template_id = ?', [templateId]);
    expect(coupons).toHaveLength(1);
    const [key] = await rows(
      'SELECT state, result_kind, response_body FROM idempotency_keys WHERE idem_key = ?',
      [claim.headers['idempotency-key']],
    );
    expect(key).toMatchObject({ state: 'pending', result_kind: 'claim', response_body: null });

    const restarted = await startServerProcess({ databaseUrl: db.url });
    try {
      const { api } = httpClient(restarted.baseUrl);
      const retry = await api('POST', `/offers/${templateId}/claim`, claim);
      expect(retry.status).toBe(201);
      expect(retry.headers.get('idempotent-replayed')).toBe('true');
      expect(retry.body).toMatchObject({ id: String(coupons[0].id), templateId, status: 'available' });
      expect((await api('POST', `/offers/${templateId}/claim`, claim)).body).toEqual(retry.body);
      expect(await rows('SELECT id FROM coupons WHERE template_id = ?', [templateId])).toHaveLength(1);
    } finally {
      await restarted.kill();
    }
  });
});
