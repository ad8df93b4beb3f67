import { Clock } from '../src/common/clock';
import { expectEnvelope, factories } from './factories';
import { startTestApp, TestApp, TEST_DB } from './harness';

const DAY_MS = 86_400_000;

/** Segments: the preview count and saved segments over the contract's filter fields (issue 12). */
describe(`segments (${TEST_DB})`, () => {
  let t: TestApp;
  let f: ReturnType<typeof factories>;
  let admin: string;
  let adminA: { token: string };
  let shopA: { id: string };
  let shopB: { id: string };
  const ids: Record<string, string> = {};

  const preview = (filter: unknown, token = admin) =>
    t.api('POST', '/admin/segments/preview', { token, body: { filter } });
  const count = async (filter: unknown, token = admin) => {
    const res = await preview(filter, token);
    expect(res.status).toBe(200);
    return res.body.count as number;
  };

  beforeAll(async () => {
    t = await startTestApp();
    f = factories(t);
    admin = await f.adminToken();
    shopA = await f.merchant('甲店');
    shopB = await f.merchant('乙店');
    adminA = await f.staff(shopA.id, 'merchant_admin');
    const clerkA = await f.staff(shopA.id);
    const clerkB = await f.staff(shopB.id);
    const qrA = await f.qrcode(shopA.id);
    // sleepyA bought ¥100 at A, sleepyB ¥30 at B, both 70 days before "now"; regular bought at A then
    // and again now; never joined at A and never bought (birthday in March)
    const sleepyA = await f.member();
    const sleepyB = await f.member();
    const regular = await f.member();
    const never = await f.member({ scene: qrA.scene });
    await f.purchase(clerkA.token, sleepyA.token, 10_000);
    await f.purchase(clerkB.token, sleepyB.token, 3_000);
    await f.purchase(clerkA.token, regular.token, 5_000);
    expect(
      (await t.api('PATCH', '/me', { token: never.token, body: { birthday: '1990-03-15' } })).status,
    ).toBe(200);
    Object.assign(ids, {
      sleepyA: sleepyA.member.id,
      sleepyB: sleepyB.member.id,
      regular: regular.member.id,
      never: never.member.id,
    });
    // 70 days pass (the clock the rules read); regular buys again "today", dated at the moved clock
    t.app.get(Clock).travelTo(new Date(Date.now() + 70 * DAY_MS));
    const again = await f.purchase(clerkA.token, regular.token, 2_000);
    await t.dataSource.query(`UPDATE redemptions SET created_at = ? WHERE id = ?`, [
      t.dataSource.driver.preparePersistentValue(t.app.get(Clock).now(), { type: 'datetime' } as never),
      again.id,
    ]);
  });
  afterAll(() => t.close());

  it('counts by lifecycle, merchant, spend, birthday month, points expiry and purchase dates', async () => {
    expect(await count({})).toBe(4);
    expect(await count({ lifecycle: ['dormant'] })).toBe(2);
    expect(await count({ lifecycle: ['dormant', 'never_bought'] })).toBe(3);
    expect(await count({ lifecycle: ['active'] })).toBe(1);
    expect(await count({ boughtAtMerchantIds: [shopB.id] })).toBe(1);
    expect(await count({ boughtAtMerchantIds: [shopA.id], lifecycle: ['dormant'] })).toBe(1);
    expect(await count({ joinMerchantIds: [shopA.id] })).toBe(1);
    expect(await count({ minSpendFen: 7_000 })).toBe(2);
    expect(await count({ minSpendFen: 7_001 })).toBe(1);
    expect(await count({ birthdayMonth: 3 })).toBe(1);
    expect(await count({ birthdayMonth: 4 })).toBe(0);
    expect(await count({ pointsExpiringWithinDays: 366 })).toBe(3);
    expect(await count({ pointsExpiringWithinDays: 30 })).toBe(0);
    expect(await count({ tierCodes: ['nonexistent'] })).toBe(0);
    const today = new Date(t.app.get(Clock).now().getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
    expect(await count({ lastPurchaseBefore: today })).toBe(2);
    expect(await count({ lastPurchaseAfter: today })).toBe(1);
  });

  it('scopes a merchant admin to members who joined or bought at its merchant', async () => {
    // sleepyA and regular bought at A, never joined at A; sleepyB is B's only
    expect(await count({}, adminA.token)).toBe(3);
    expect(await count({ lifecycle: ['dormant'] }, adminA.token)).toBe(1);
    expect(await count({ boughtAtMerchantIds: [shopB.id] }, adminA.token)).toBe(0);
    const saved = await t.api('POST', '/admin/segments', {
      token: adminA.token,
      body: { name: '甲店沉睡', filter: { lifecycle: ['dormant'] } },
    });
    expect(saved.status).toBe(201);
    expect(saved.body).toMatchObject({ name: '甲店沉睡', count: 1, merchantId: shopA.id });
    const alliance = await t.api('POST', '/admin/segments', {
      token: admin,
      body: { name: '全部沉睡', filter: { lifecycle: ['dormant'] } },
    });
    expect(alliance.body).toMatchObject({ count: 2, merchantId: null, filter: { lifecycle: ['dormant'] } });
    const mine = await t.api('GET', '/admin/segments', { token: adminA.token });
    expect(mine.body.items.map((s: any) => s.id)).toEqual([saved.body.id]);
    const all = await t.api('GET', '/admin/segments', { token: admin });
    expect(all.body.items.map((s: any) => s.id)).toEqual([alliance.body.id, saved.body.id]);
  });

  it('refuses unknown fields and impossible values with 400, and clerks with 403', async () => {
    for (const filter of [
      { spend: 1 },
      { lifecycle: ['sleepy'] },
      { lifecycle: [] },
      { lifecycle: 'dormant' },
      { birthdayMonth: 13 },
      { birthdayMonth: 0 },
      { minSpendFen: -1 },
      { minSpendFen: 1.5 },
      { pointsExpiringWithinDays: 0 },
      { lastPurchaseBefore: '2026-02-30' },
      { lastPurchaseAfter: '2026/01/01' },
      { lastPurchaseAfter: '2026-03-01', lastPurchaseBefore: '2026-03-01' },
      { lastPurchaseAfter: '2999-01-01' },
      { joinMerchantIds: ['abc'] },
      { tierCodes: [1] },
      null,
      [],
      'dormant',
    ]) {
      expectEnvelope(await preview(filter), 400, 'VALIDATION_FAILED');
      const saved = await t.api('POST', '/admin/segments', { token: admin, body: { name: 'x', filter } });
      expectEnvelope(saved, 400, 'VALIDATION_FAILED');
    }
    for (const body of [{ filter: {} }, { name: ' ', filter: {} }, { name: 'x'.repeat(65), filter: {} }])
      expectEnvelope(
        await t.api('POST', '/admin/segments', { token: admin, body }),
        400,
        'VALIDATION_FAILED',
      );
    const clerk = await f.staff(shopA.id);
    expectEnvelope(await preview({}, clerk.token), 403);
    expect((await t.api('GET', '/admin/segments', { token: admin })).body.items).toHaveLength(1 + 1);
  });
});
