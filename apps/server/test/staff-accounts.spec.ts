import { DataSource } from 'typeorm';
import { loadConfig } from '../src/common/config';
import { typeOrmOptions } from '../src/database/database.module';
import { migrations } from '../src/database/migrations';
import { StaffAccounts1733011200000 } from '../src/database/migrations/1733011200000-staff-accounts';
import { normalizeUsername } from '../src/staff/username';
import { expectEnvelope, factories } from './factories';
import { createTestDatabase, startTestApp, TestApp, TEST_DB } from './harness';

/** ASCII letters, digits and _ in their fullwidth forms (what a Chinese IME types): ｃｏｆｆｅｅ. */
const fullwidth = (s: string) => s.replace(/[!-~]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));

/** Issue 9, staff and admin accounts: usernames, disabling, new passwords and who may do what. */
describe(`staff accounts (${TEST_DB})`, () => {
  let t: TestApp;
  let f: ReturnType<typeof factories>;

  beforeAll(async () => {
    t = await startTestApp();
    f = factories(t);
  });
  afterAll(() => t.close());

  const login = (username: string, password: string) =>
    t.api('POST', '/staff/login', { body: { username, password } });
  const create = async (merchantId: string, username: string, role = 'clerk') =>
    t.api('POST', `/admin/merchants/${merchantId}/staff`, {
      token: await f.adminToken(),
      body: { username, password: 'password123', role },
    });

  it('normalises usernames: NFKC, trimmed, inner spaces collapsed, lower case', () => {
    expect(normalizeUsername(' COFFEE ')).toBe('coffee');
    expect(normalizeUsername(fullwidth('Coffee_1'))).toBe('coffee_1');
    expect(normalizeUsername('a \u3000\t b')).toBe('a b');
    for (const s of ['İstanbul', 'Ǆ', 'ﬁ', '㎏']) {
      expect(normalizeUsername(normalizeUsername(s))).toBe(normalizeUsername(s));
    }
  });

  it('keeps usernames unique in any case or width, and logs in with any spelling of one', async () => {
    const merchant = await f.merchant();
    const name = `Coffee_${f.unique()}`;
    expect((await create(merchant.id, name)).status).toBe(201);
    for (const taken of [name.toLowerCase(), name.toUpperCase()]) {
      const res = await create(merchant.id, taken);
      expectEnvelope(res, 409, 'CONFLICT');
      expect(res.body.error.details).toEqual([{ field: 'username', message: 'taken' }]);
    }
    // New usernames are plain ASCII; a fullwidth one is refused before it could collide.
    expectEnvelope(await create(merchant.id, fullwidth(name)), 400, 'VALIDATION_FAILED');
    for (const spelling of [` ${name.toUpperCase()} `, fullwidth(name.toLowerCase()), name]) {
      const res = await login(spelling, 'password123');
      expect(res.status).toBe(200);
      expect(res.body.staff.merchantId).toBe(merchant.id);
    }
    // Shown as it was given.
    const list = await t.api('GET', `/admin/merchants/${merchant.id}/staff`, { token: await f.adminToken() });
    expect(list.body.map((s: { username: string }) => s.username)).toEqual([name]);
  });

  it('finds the configured admin in any spelling too', async () => {
    const res = await t.api('POST', '/admin/login', {
      body: { username: ' ＡＤＭＩＮ ', password: 'admin123' },
    });
    expect(res.status).toBe(200);
  });

  it('disabling ends the clerk’s tokens at once and refuses its login like a wrong password', async () => {
    const merchant = await f.merchant();
    const clerk = await f.staff(merchant.id);
    const session = (await login(clerk.username, clerk.password)).body;
    const lookup = (token: string) =>
      t.api('POST', '/staff/members/lookup', { token, body: { memberCode: '123400000000017' } });
    expect((await lookup(clerk.token)).status).not.toBe(401);

    const disabled = await t.api('POST', `/admin/staff/${clerk.id}/disable`, { token: await f.adminToken() });
    expect(disabled.status).toBe(200);
    expect(disabled.body).toMatchObject({ id: clerk.id, disabled: true });

    for (const token of [clerk.token, session.token])
      expectEnvelope(await lookup(token), 401, 'UNAUTHENTICATED');
    const refused = await login(clerk.username, clerk.password);
    const wrong = await login(clerk.username, 'not-the-password');
    expectEnvelope(refused, 401, 'UNAUTHENTICATED');
    // the same words (only the count of tries left, said near the lock-out, moves on)
    const words = (res: { body: any }) => res.body.error.message.split('，')[0];
    expect(words(refused)).toBe(words(wrong));
    expectEnvelope(
      await t.api('POST', '/staff/refresh', { body: { refreshToken: session.refreshToken } }),
      401,
      'UNAUTHENTICATED',
    );

    // Enabled again: a new login works; the tokens from before the disable stay dead.
    const enabled = await t.api('POST', `/admin/staff/${clerk.id}/enable`, { token: await f.adminToken() });
    expect(enabled.body).toMatchObject({ disabled: false, disabledAt: null });
    const again = await login(clerk.username, clerk.password);
    expect(again.status).toBe(200);
    expect((await lookup(again.body.token)).status).not.toBe(401);
    expectEnvelope(await lookup(clerk.token), 401, 'UNAUTHENTICATED');
  });

  it('a new password set by the admin refuses the old one and ends every old token', async () => {
    const merchant = await f.merchant();
    const clerk = await f.staff(merchant.id);
    const session = (await login(clerk.username, clerk.password)).body;
    const reset = await t.api('POST', `/admin/staff/${clerk.id}/password`, {
      token: await f.adminToken(),
      body: { password: 'brand-new-pass' },
    });
    expect(reset.status).toBe(200);
    expectEnvelope(await login(clerk.username, clerk.password), 401, 'UNAUTHENTICATED');
    expectEnvelope(await t.api('GET', '/staff/orders', { token: clerk.token }), 401, 'UNAUTHENTICATED');
    expectEnvelope(
      await t.api('POST', '/staff/refresh', { body: { refreshToken: session.refreshToken } }),
      401,
      'UNAUTHENTICATED',
    );
    const fresh = await login(clerk.username, 'brand-new-pass');
    expect(fresh.status).toBe(200);
    expect((await t.api('GET', '/staff/orders', { token: fresh.body.token })).status).toBe(200);
    // A short password is a 400 and changes nothing.
    expectEnvelope(
      await t.api('POST', `/admin/staff/${clerk.id}/password`, {
        token: await f.adminToken(),
        body: { password: 'short' },
      }),
      400,
      'VALIDATION_FAILED',
    );
    expect((await t.api('GET', '/staff/orders', { token: fresh.body.token })).status).toBe(200);
  });

  it('lets a merchant admin manage its own clerks only; the alliance admin manages every merchant’s staff', async () => {
    const [mine, theirs] = [await f.merchant(), await f.merchant()];
    const boss = await f.staff(mine.id, 'merchant_admin');
    const otherBoss = await f.staff(mine.id, 'merchant_admin');
    const myClerk = await f.staff(mine.id);
    const theirClerk = await f.staff(theirs.id);
    const adminId = (
      await t.dataSource.query("SELECT id FROM staff_accounts WHERE role = 'alliance_admin'")
    )[0].id;
    const as = (token: string, path: string, body?: unknown) => t.api('POST', path, { token, body });

    const list = await t.api('GET', `/admin/merchants/${mine.id}/staff`, { token: boss.token });
    expect(list.status).toBe(200);
    expect(list.body.map((s: { id: string }) => s.id).sort()).toEqual(
      [boss.id, otherBoss.id, myClerk.id].sort(),
    );
    expectEnvelope(
      await t.api('GET', `/admin/merchants/${theirs.id}/staff`, { token: boss.token }),
      404,
      'NOT_FOUND',
    );
    for (const path of [`/admin/staff/${theirClerk.id}/disable`, `/admin/staff/${adminId}/disable`])
      expectEnvelope(await as(boss.token, path), 404, 'NOT_FOUND');
    expectEnvelope(
      await as(boss.token, `/admin/staff/${theirClerk.id}/password`, { password: 'taken-over-1' }),
      404,
      'NOT_FOUND',
    );
    expectEnvelope(await as(boss.token, `/admin/staff/${otherBoss.id}/disable`), 403, 'FORBIDDEN');
    expectEnvelope(await as(myClerk.token, `/admin/staff/${myClerk.id}/disable`), 403, 'FORBIDDEN');
    expectEnvelope(await as(boss.token, '/admin/staff/not-an-id/disable'), 404, 'NOT_FOUND');
    // Nothing above changed anyone.
    for (const who of [theirClerk, otherBoss, myClerk])
      expect((await t.api('GET', '/staff/orders', { token: who.token })).status).toBe(200);

    expect((await as(boss.token, `/admin/staff/${myClerk.id}/disable`)).status).toBe(200);
    expectEnvelope(await t.api('GET', '/staff/orders', { token: myClerk.token }), 401, 'UNAUTHENTICATED');
    const admin = await f.adminToken();
    expect((await as(admin, `/admin/staff/${theirClerk.id}/disable`)).status).toBe(200);
    expect(
      (await as(admin, `/admin/staff/${otherBoss.id}/password`, { password: 'new-password-2' })).status,
    ).toBe(200);
    expectEnvelope(await t.api('GET', '/staff/orders', { token: otherBoss.token }), 401, 'UNAUTHENTICATED');
    expectEnvelope(await as(admin, `/admin/staff/${adminId}/disable`), 404, 'NOT_FOUND');
  });

  it('gives staff and admins short access tokens with their expiry', async () => {
    const merchant = await f.merchant();
    const clerk = await f.staff(merchant.id);
    const before = Date.now();
    for (const res of [
      await login(clerk.username, clerk.password),
      await t.api('POST', '/admin/login', { body: { username: 'admin', password: 'admin123' } }),
    ]) {
      const claims = JSON.parse(Buffer.from(res.body.token.split('.')[1], 'base64url').toString());
      expect(claims.exp - claims.iat).toBeLessThanOrEqual(30 * 60);
      expect(claims.exp - claims.iat).toBeGreaterThanOrEqual(15 * 60);
      expect(new Date(res.body.expiresAt).getTime()).toBe(claims.exp * 1000);
      expect(new Date(res.body.expiresAt).getTime()).toBeGreaterThan(before);
      expect(typeof res.body.refreshToken).toBe('string');
    }
  });
});

describe(`staff accounts migration (${TEST_DB})`, () => {
  it('fills the normalised username of existing accounts; a later look-alike is renamed and disabled', async () => {
    // MySQL's case-insensitive collation never let `Coffee` and `coffee` both exist; SQLite did.
    const existing = TEST_DB === 'sqlite' ? ['Coffee', 'coffee', 'ＢＡＫＥＲＹ'] : ['Coffee', 'ＢＡＫＥＲＹ'];
    const db = await createTestDatabase();
    const config = loadConfig({ NODE_ENV: 'test', DATABASE_URL: db.url, LOG_LEVEL: 'silent' });
    const options = typeOrmOptions(config) as ConstructorParameters<typeof DataSource>[0];
    const mine = migrations.indexOf(StaffAccounts1733011200000);
    const before = new DataSource({ ...options, migrations: migrations.slice(0, mine) } as never);
    await before.initialize();
    try {
      await before.runMigrations();
      for (const username of existing)
        await before.query(
          "INSERT INTO staff_accounts (alliance_id, merchant_id, username, password_hash, role, created_at) VALUES (1, 1, ?, 'x', 'clerk', '2025-01-01 00:00:00')",
          [username],
        );
    } finally {
      await before.destroy();
    }
    const after = new DataSource({ ...options, migrations } as never);
    await after.initialize();
    try {
      await after.runMigrations();
      const rows = await after.query(
        'SELECT id, username, username_normalized, disabled_at, token_version FROM staff_accounts ORDER BY id',
      );
      const expected =
        TEST_DB === 'sqlite'
          ? [
              ['Coffee', 'coffee', false, 0],
              ['coffee', `coffee#${rows[1].id}`, true, 1],
              ['ＢＡＫＥＲＹ', 'bakery', false, 0],
            ]
          : [
              ['Coffee', 'coffee', false, 0],
              ['ＢＡＫＥＲＹ', 'bakery', false, 0],
            ];
      expect(
        rows.map((r: Record<string, unknown>) => [
          r.username,
          r.username_normalized,
          r.disabled_at !== null,
          Number(r.token_version),
        ]),
      ).toEqual(expected);
      // The unique key is on the normalised form now.
      await expect(
        after.query(
          "INSERT INTO staff_accounts (alliance_id, username, username_normalized, password_hash, role, created_at, token_version) VALUES (1, 'BAKERY', 'bakery', 'x', 'clerk', '2025-01-01 00:00:00', 0)",
        ),
      ).rejects.toThrow(/username_normalized|Duplicate/);
    } finally {
      await after.destroy();
      await db.drop();
    }
  });
});
