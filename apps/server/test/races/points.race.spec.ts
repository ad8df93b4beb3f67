import { factories } from '../factories';
import { startTestApp, TestApp, TEST_DB } from '../harness';

/** Parallel mall redemptions and purchases never overdraw, oversell or exceed a limit (invariant 4). */
describe(`points races (${TEST_DB})`, () => {
  let t: TestApp;
  let f: ReturnType<typeof factories>;

  beforeAll(async () => {
    t = await startTestApp();
    f = factories(t);
  });
  afterAll(() => t.close());

  const statuses = (results: { status: number; body: any }[]) =>
    results.reduce<Record<string, number>>((acc, r) => {
      const key = r.status === 201 ? '201' : `${r.status} ${r.body.error.code}`;
      return { ...acc, [key]: (acc[key] ?? 0) + 1 };
    }, {});

  it('one member redeeming 12 times in parallel with points for 5 spends exactly 5 times, never below zero', async () => {
    const merchant = await f.merchant();
    const clerk = await f.staff(merchant.id);
    const m = await f.member();
    // Three lots, so spends cross lot boundaries while racing.
    for (const fen of [20_000, 20_000, 10_000]) await f.purchase(clerk.token, m.token, fen);
    const item = await f.mallItem({
      pointsPrice: 100,
      stock: 100,
      perMemberLimit: 100,
      merchantId: merchant.id,
    });
    const results = await Promise.all(
      Array.from({ length: 12 }, () =>
        t.api('POST', `/mall/items/${item.id}/redeem`, { token: m.token, body: { quantity: 1 } }),
      ),
    );
    expect(statuses(results)).toEqual({ '201': 5, '409 INSUFFICIENT_POINTS': 7 });
    const [row] = await t.dataSource.query('SELECT points FROM members WHERE id = ?', [m.member.id]);
    expect(Number(row.points)).toBe(0);
  });

  it('20 members racing for a stock of 6 with a limit of 1 each: 6 redemptions, nothing oversold', async () => {
    const merchant = await f.merchant();
    const clerk = await f.staff(merchant.id);
    const members = await Promise.all(Array.from({ length: 20 }, () => f.member()));
    for (const m of members) await f.purchase(clerk.token, m.token, 10_000);
    const item = await f.mallItem({ pointsPrice: 50, stock: 6, perMemberLimit: 1, merchantId: merchant.id });
    const results = await Promise.all(
      members.map((m) =>
        t.api('POST', `/mall/items/${item.id}/redeem`, { token: m.token, body: { quantity: 1 } }),
      ),
    );
    expect(statuses(results)).toEqual({ '201': 6, '409 OUT_OF_STOCK': 14 });
    const [row] = await t.dataSource.query('SELECT issued, stock FROM mall_items WHERE id = ?', [item.id]);
    expect(Number(row.issued)).toBe(6);
    expect(
      Number(
        (await t.dataSource.query('SELECT COUNT(*) AS n FROM mall_orders WHERE item_id = ?', [item.id]))[0].n,
      ),
    ).toBe(6);
  });

  it('one member racing past its per-member limit of 2 gets 2', async () => {
    const merchant = await f.merchant();
    const clerk = await f.staff(merchant.id);
    const m = await f.member();
    await f.purchase(clerk.token, m.token, 100_000);
    const item = await f.mallItem({
      pointsPrice: 10,
      stock: 100,
      perMemberLimit: 2,
      merchantId: merchant.id,
    });
    const results = await Promise.all(
      Array.from({ length: 10 }, () =>
        t.api('POST', `/mall/items/${item.id}/redeem`, { token: m.token, body: { quantity: 1 } }),
      ),
    );
    expect(statuses(results)).toEqual({ '201': 2, '409 LIMIT_REACHED': 8 });
  });

  it('two clerks fulfilling one pickup code at once fulfil it once', async () => {
    const merchant = await f.merchant();
    const [c1, c2] = await Promise.all([f.staff(merchant.id), f.staff(merchant.id)]);
    const m = await f.member();
    await f.purchase(c1.token, m.token, 10_000);
    const item = await f.mallItem({ pointsPrice: 10, merchantId: merchant.id });
    const order = await t.api('POST', `/mall/items/${item.id}/redeem`, {
      token: m.token,
      body: { quantity: 1 },
    });
    const results = await Promise.all(
      [c1, c2].map((c) =>
        t.api('POST', '/staff/pickups', { token: c.token, body: { pickupCode: order.body.pickupCode } }),
      ),
    );
    expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
  });

  it('earning and spending race for one member; the ledger stays balanced', async () => {
    const merchant = await f.merchant();
    const clerks = await Promise.all([1, 2, 3].map(() => f.staff(merchant.id)));
    const m = await f.member();
    await f.purchase(clerks[0].token, m.token, 30_000);
    const item = await f.mallItem({
      pointsPrice: 40,
      stock: 1000,
      perMemberLimit: 100,
      merchantId: merchant.id,
    });
    await Promise.all([
      ...clerks.map((c) => f.purchase(c.token, m.token, 5_000)),
      ...Array.from({ length: 8 }, () =>
        t.api('POST', `/mall/items/${item.id}/redeem`, { token: m.token, body: { quantity: 1 } }),
      ),
    ]);
    const report = (await t.api('GET', '/admin/invariants', { token: await f.adminToken() })).body;
    expect(report).toMatchObject({ ok: true });
  });
});
