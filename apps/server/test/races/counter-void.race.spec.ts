import { factories } from '../factories';
import { startTestApp, TestApp, TEST_DB } from '../harness';

/**
 * Racing voids of one counter record (the clerk taps 撤销 twice, the merchant admin at the same
 * moment): exactly one wins, the others are 409 ALREADY_VOIDED, and every effect is reversed once.
 */
describe(`racing voids of a counter record (${TEST_DB})`, () => {
  let t: TestApp;
  let f: ReturnType<typeof factories>;

  beforeAll(async () => {
    t = await startTestApp();
    f = factories(t);
  });
  afterAll(() => t.close());

  const count = async (sql: string, params: unknown[]) =>
    Number((await t.dataSource.query(sql, params))[0].n);

  it('lets exactly one void through', async () => {
    const merchant = await f.merchant();
    const clerks = [await f.staff(merchant.id), await f.staff(merchant.id)];
    const manager = await f.staff(merchant.id, 'merchant_admin');
    const template = await f.template({ kind: 'amount', valueFen: 1000, thresholdFen: 5000 });
    const m = await f.member();
    const coupon = await f.claim(m.token, template.id);
    await f.purchase(clerks[0].token, m.token, 20_000); // points the void must not touch
    const typo = await f.purchase(clerks[0].token, m.token, 368_000, coupon.id);
    const balanceBefore = 200 + typo.pointsEarned;
    expect((await t.api('GET', '/me', { token: m.token })).body.points).toBe(balanceBefore);

    const tokens = [...clerks, manager, clerks[0], manager, clerks[1]].map((s) => s.token);
    const answers = await Promise.all(
      tokens.map((token, i) =>
        t.api('POST', `/staff/redemptions/${typo.id}/void`, { token, body: { reason: `重复撤销 ${i}` } }),
      ),
    );
    const statuses = answers.map((a) => a.status).sort();
    expect(statuses).toEqual([200, 409, 409, 409, 409, 409]);
    for (const a of answers.filter((x) => x.status === 409)) expect(a.body.error.code).toBe('ALREADY_VOIDED');

    const me = (await t.api('GET', '/me', { token: m.token })).body;
    expect(me.points).toBe(200);
    expect(me.tierProgress.spendFen).toBe(20_000);
    const id = [typo.id];
    expect(
      await count(
        "SELECT COUNT(*) AS n FROM points_transactions WHERE source_type = 'redemption_void' AND source_id = ?",
        id,
      ),
    ).toBe(1);
    expect(
      await count(
        "SELECT COUNT(*) AS n FROM spend_entries WHERE source_type = 'redemption_void' AND source_id = ?",
        id,
      ),
    ).toBe(1);
    expect(
      await count(
        "SELECT COUNT(*) AS n FROM settlement_entries WHERE source_type = 'redemption_void' AND source_id = ?",
        id,
      ),
    ).toBe(1);
    expect(await count("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'counter_void'", [])).toBe(1);
    const [total] = await t.dataSource.query(
      'SELECT total_fen FROM counter_daily_totals WHERE member_id = ?',
      [m.member.id],
    );
    expect(Number(total.total_fen)).toBe(20_000);
    const wallet = (await t.api('GET', '/me/coupons', { token: m.token })).body;
    expect(wallet.find((c: any) => c.id === coupon.id)).toMatchObject({ status: 'available' });
    const invariants = (await t.api('GET', '/admin/invariants', { token: await f.adminToken() })).body;
    expect(invariants).toMatchObject({ ok: true });
  });
});
