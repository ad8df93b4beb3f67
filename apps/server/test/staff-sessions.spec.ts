import { LOGIN_LIMITS, LOGIN_WINDOW_MS } from '../src/staff/login-attempts';
import { REFRESH_FAMILY_MS } from '../src/staff/refresh-tokens';
import { StaffJobs } from '../src/staff/staff.jobs';
import { expectEnvelope, factories } from './factories';
import { createTestDatabase, startTestApp, TestApp, TEST_DB } from './harness';

// Behind the test's "proxy" (loopback), X-Forwarded-For names the client address.
const PROXY = { TRUST_PROXY: 'loopback' };
let nextAddress = 1;
/** A client address no other test has used, so per-address counters start at zero. */
const freshAddress = () => `10.9.${Math.floor(nextAddress / 250)}.${(nextAddress++ % 250) + 1}`;

/** Issue 9: failed-login limits shared by replicas, and short staff tokens renewed by refresh tokens. */
describe(`staff sessions (${TEST_DB})`, () => {
  let db: { url: string; drop: () => Promise<void> };
  let t: TestApp;
  let f: ReturnType<typeof factories>;

  beforeAll(async () => {
    // Its own database, so a second replica can be started on it.
    db = await createTestDatabase();
    t = await startTestApp({ ...PROXY, DATABASE_URL: db.url });
    f = factories(t);
  });
  afterAll(async () => {
    await t.close();
    await db.drop();
  });

  const login = (app: TestApp, username: string, password: string, address: string) =>
    app.api('POST', '/staff/login', {
      body: { username, password },
      headers: { 'x-forwarded-for': address },
    });
  const clerk = async () => f.staff((await f.merchant()).id);

  describe('failed-login limits', () => {
    it('locks an account after 10 failures from any mix of addresses, other accounts not', async () => {
      const victim = await clerk();
      const bystander = await clerk();
      for (let i = 0; i < LOGIN_LIMITS.account; i++)
        expect((await login(t, victim.username, `guess-${i}`, freshAddress())).status).toBe(401);
      const locked = await login(t, victim.username, victim.password, freshAddress());
      expectEnvelope(locked, 429, 'RATE_LIMITED');
      expect(locked.body.error.message).toBe('密码错误次数过多，请 15 分钟后再试');
      // Any spelling of the name is the same account.
      expectEnvelope(
        await login(t, ` ${victim.username.toUpperCase()}`, 'x', freshAddress()),
        429,
        'RATE_LIMITED',
      );
      expect((await login(t, bystander.username, bystander.password, freshAddress())).status).toBe(200);
    });

    it('allows 5 failures per account and address; the same account elsewhere still logs in', async () => {
      const user = await clerk();
      const address = freshAddress();
      for (let i = 0; i < LOGIN_LIMITS.accountAtAddress; i++)
        expect((await login(t, user.username, `guess-${i}`, address)).status).toBe(401);
      expectEnvelope(await login(t, user.username, user.password, address), 429, 'RATE_LIMITED');
      expect((await login(t, user.username, user.password, freshAddress())).status).toBe(200);
    });

    it('says how many tries are left near the lock-out, the same for an unknown account', async () => {
      const user = await clerk();
      const address = freshAddress();
      const messages: string[] = [];
      const left: number[] = [];
      for (let i = 0; i < LOGIN_LIMITS.accountAtAddress; i++) {
        const res = await login(t, user.username, `guess-${i}`, address);
        expectEnvelope(res, 401, 'UNAUTHENTICATED');
        messages.push(res.body.error.message);
        left.push(res.body.error.details.attemptsLeft);
      }
      expect(left).toEqual([4, 3, 2, 1, 0]);
      expect(messages).toEqual([
        '用户名或密码错误',
        '用户名或密码错误，还可尝试 3 次',
        '用户名或密码错误，还可尝试 2 次',
        '用户名或密码错误，还可尝试 1 次',
        '用户名或密码错误，错误次数已达上限，请 15 分钟后再试',
      ]);
      expectEnvelope(await login(t, user.username, user.password, address), 429, 'RATE_LIMITED');
      // an unknown name is counted and answered the same way: the warning tells no account apart
      const unknown = await login(t, `nobody_${Date.now()}`, 'x', freshAddress());
      expect(unknown.body.error).toMatchObject({ message: '用户名或密码错误', details: { attemptsLeft: 4 } });
    });

    it('a success clears its account-and-address counter', async () => {
      const user = await clerk();
      const address = freshAddress();
      for (let round = 0; round < 2; round++) {
        for (let i = 0; i < LOGIN_LIMITS.accountAtAddress - 1; i++)
          expect((await login(t, user.username, 'wrong-password', address)).status).toBe(401);
        expect((await login(t, user.username, user.password, address)).status).toBe(200);
      }
    });

    it('lets exactly the limit of racing wrong guesses through, however many race', async () => {
      const user = await clerk();
      const address = freshAddress();
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) => login(t, user.username, `racing-${i}`, address)),
      );
      const statuses = results.map((r) => r.status).sort();
      expect(statuses.filter((s) => s === 401)).toHaveLength(LOGIN_LIMITS.accountAtAddress);
      expect(statuses.filter((s) => s === 429)).toHaveLength(20 - LOGIN_LIMITS.accountAtAddress);
      const [row] = await t.dataSource.query('SELECT count FROM login_failures WHERE subject = ?', [
        `a:${user.username}|${address}`,
      ]);
      expect(Number(row.count)).toBe(LOGIN_LIMITS.accountAtAddress);
    });

    it('counts failures in one place for two replicas on one database, and a disable reaches both at once', async () => {
      const b = await startTestApp({ ...PROXY, DATABASE_URL: db.url });
      try {
        const user = await clerk();
        const address = freshAddress();
        // Alternating replicas, as a load balancer would.
        for (let i = 0; i < LOGIN_LIMITS.accountAtAddress; i++)
          expect((await login(i % 2 ? b : t, user.username, `guess-${i}`, address)).status).toBe(401);
        expectEnvelope(await login(b, user.username, user.password, address), 429, 'RATE_LIMITED');
        expectEnvelope(await login(t, user.username, user.password, address), 429, 'RATE_LIMITED');

        const onB = (await login(b, user.username, user.password, freshAddress())).body;
        expect((await b.api('GET', '/staff/orders', { token: onB.token })).status).toBe(200);
        await t.api('POST', `/admin/staff/${user.id}/disable`, { token: await f.adminToken() });
        expectEnvelope(await b.api('GET', '/staff/orders', { token: onB.token }), 401, 'UNAUTHENTICATED');
        expectEnvelope(
          await b.api('POST', '/staff/refresh', { body: { refreshToken: onB.refreshToken } }),
          401,
          'UNAUTHENTICATED',
        );
      } finally {
        await b.close();
      }
    });
  });

  describe('refresh tokens', () => {
    const refresh = (refreshToken: string, path = '/staff/refresh') =>
      t.api('POST', path, { body: { refreshToken } });
    /** The refresh tokens of the account's latest login (the factory logged in once before). */
    const familyOf = async (accountId: string) => {
      const [latest] = await t.dataSource.query(
        'SELECT family FROM staff_refresh_tokens WHERE account_id = ? ORDER BY id DESC LIMIT 1',
        [accountId],
      );
      return (await t.dataSource.query(
        'SELECT token_hash, expires_at, used_at FROM staff_refresh_tokens WHERE family = ? ORDER BY id',
        [latest.family],
      )) as { token_hash: string; expires_at: unknown; used_at: unknown }[];
    };

    it('rotates: each refresh answers a new pair, and the new access token works', async () => {
      const user = await clerk();
      const first = (await login(t, user.username, user.password, freshAddress())).body;
      const second = await refresh(first.refreshToken);
      expect(second.status).toBe(200);
      expect(Object.keys(second.body).sort()).toEqual(['expiresAt', 'refreshToken', 'token']);
      expect(second.body.refreshToken).not.toBe(first.refreshToken);
      expect((await t.api('GET', '/staff/orders', { token: second.body.token })).status).toBe(200);
      const third = await refresh(second.body.refreshToken);
      expect(third.status).toBe(200);
      // Rotation keeps the session's end fixed at login (+12 h); only hashes are stored.
      const rows = await familyOf(user.id);
      expect(rows).toHaveLength(3);
      expect(new Set(rows.map((r) => new Date(String(r.expires_at)).getTime())).size).toBe(1);
      expect(rows.map((r) => r.used_at !== null)).toEqual([true, true, false]);
      for (const r of rows)
        expect([first.refreshToken, second.body.refreshToken]).not.toContain(r.token_hash);
    });

    it('revokes the whole family when a rotated refresh token comes back', async () => {
      const user = await clerk();
      const first = (await login(t, user.username, user.password, freshAddress())).body;
      const second = (await refresh(first.refreshToken)).body;
      expectEnvelope(await refresh(first.refreshToken), 401, 'UNAUTHENTICATED');
      // The thief or the owner: whoever holds the newer token is out too, and must log in again.
      expectEnvelope(await refresh(second.refreshToken), 401, 'UNAUTHENTICATED');
      expect((await login(t, user.username, user.password, freshAddress())).status).toBe(200);
    });

    it('lets at most one of racing refreshes of one token win', async () => {
      const user = await clerk();
      const first = (await login(t, user.username, user.password, freshAddress())).body;
      const results = await Promise.all(Array.from({ length: 5 }, () => refresh(first.refreshToken)));
      expect(results.filter((r) => r.status === 200).length).toBeLessThanOrEqual(1);
      expect(results.every((r) => r.status === 200 || r.status === 401)).toBe(true);
      // Every loser saw a used token: the family, the winner's new token included, is revoked.
      expect((await familyOf(user.id)).filter((r) => r.used_at === null)).toEqual([]);
    });

    it('keeps staff and admin refresh apart, and refuses unknown tokens', async () => {
      const user = await clerk();
      const staffSession = (await login(t, user.username, user.password, freshAddress())).body;
      expectEnvelope(await refresh(staffSession.refreshToken, '/admin/refresh'), 401, 'UNAUTHENTICATED');
      const admin = (
        await t.api('POST', '/admin/login', { body: { username: 'admin', password: 'admin123' } })
      ).body;
      expectEnvelope(await refresh(admin.refreshToken, '/staff/refresh'), 401, 'UNAUTHENTICATED');
      const admin2 = await t.api('POST', '/admin/login', {
        body: { username: 'admin', password: 'admin123' },
      });
      const renewed = await refresh(admin2.body.refreshToken, '/admin/refresh');
      expect(renewed.status).toBe(200);
      expect((await t.api('GET', '/admin/merchants', { token: renewed.body.token })).status).toBe(200);
      expectEnvelope(await refresh('no-such-token'), 401, 'UNAUTHENTICATED');
      expectEnvelope(await t.api('POST', '/staff/refresh', { body: {} }), 400, 'VALIDATION_FAILED');
    });

    it('refuses a refresh token past the end of its session', async () => {
      const user = await clerk();
      const session = (await login(t, user.username, user.password, freshAddress())).body;
      await t.dataSource.query('UPDATE staff_refresh_tokens SET expires_at = ? WHERE account_id = ?', [
        '2000-01-01 00:00:00',
        user.id,
      ]);
      expectEnvelope(await refresh(session.refreshToken), 401, 'UNAUTHENTICATED');
    });
  });

  it('purges counters whose window is over and refresh tokens whose session ended', async () => {
    const user = await clerk();
    await login(t, user.username, 'wrong-password', freshAddress());
    await login(t, user.username, user.password, freshAddress());
    const count = async (table: string) =>
      Number((await t.dataSource.query(`SELECT COUNT(*) AS n FROM ${table}`))[0].n);
    const jobs = t.app.get(StaffJobs);
    await jobs.purge(); // whatever earlier tests left stale
    // Live rows stay.
    expect(
      await t.dataSource.query('SELECT count FROM login_failures WHERE subject = ?', [`a:${user.username}`]),
    ).toHaveLength(1);
    expect(
      (await t.dataSource.query('SELECT id FROM staff_refresh_tokens WHERE account_id = ?', [user.id]))
        .length,
    ).toBeGreaterThan(0);
    const later = new Date(Date.now() + Math.max(LOGIN_WINDOW_MS, REFRESH_FAMILY_MS) + 1000);
    const purged = await jobs.purge(later);
    expect(purged.loginFailures).toBeGreaterThan(0);
    expect(purged.refreshTokens).toBeGreaterThan(0);
    expect(await count('login_failures')).toBe(0);
    expect(await count('staff_refresh_tokens')).toBe(0);
  });
});

describe(`staff sessions on a database of its own (${TEST_DB})`, () => {
  it('keeps members’ tokens free of the staff check', async () => {
    const db = await createTestDatabase();
    const t = await startTestApp({ DATABASE_URL: db.url });
    try {
      const member = await factories(t).member();
      // No staff account has the member's id: a staff-style check would refuse it.
      await t.dataSource.query('DELETE FROM staff_accounts');
      expect((await t.api('GET', '/me', { token: member.token })).status).toBe(200);
    } finally {
      await t.close();
      await db.drop();
    }
  });
});
