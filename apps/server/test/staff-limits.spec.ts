import { expectEnvelope, factories } from './factories';
import { startTestApp, TestApp, TEST_DB } from './harness';
import { paidOrders } from './paid-orders';

const DEFAULTS = {
  counterPurchaseMaxFen: 500_000,
  counterDailyPerMemberMaxFen: 2_000_000,
  clerkRefundMaxFen: 50_000,
  clerkRefundMaxAgeDays: 7,
  tierDiscountBorneBy: 'merchant',
};

/** Counter-fraud limits: what a clerk may do alone, and the anomaly view of what staff did. */
describe(`staff limits and the anomaly view (${TEST_DB})`, () => {
  let t: TestApp;
  let f: ReturnType<typeof factories>;
  let admin: string;
  let orders: ReturnType<typeof paidOrders>;

  beforeAll(async () => {
    t = await startTestApp();
    f = factories(t);
    admin = await f.adminToken();
    orders = paidOrders(t);
  });
  afterAll(() => t.close());

  const count = async (sql: string, params: unknown[]) =>
    Number((await t.dataSource.query(sql, params))[0].n);
  const redeem = async (token: string, memberToken: string, amountFen: number) =>
    t.api('POST', '/staff/redemptions', {
      token,
      body: { memberCode: await f.memberCode(memberToken), amountFen },
    });
  const refund = (token: string, id: string, body: object = {}) =>
    t.api('POST', `/staff/orders/${id}/refund`, { token, body });
  /** Merchant a with a clerk and its admin, merchant b with a clerk. */
  const twoMerchants = async () => {
    const [a, b] = [await f.merchant(), await f.merchant()];
    const [clerkA, bossA, clerkB] = await Promise.all([
      f.staff(a.id),
      f.staff(a.id, 'merchant_admin'),
      f.staff(b.id),
    ]);
    return { a, b, clerkA, bossA, clerkB };
  };
  const points = async (token: string) => (await t.api('GET', '/me', { token })).body.points as number;

  it('has the contract’s defaults; the alliance admin sets them, a merchant admin reads them', async () => {
    const merchant = await f.merchant();
    const boss = await f.staff(merchant.id, 'merchant_admin');
    const clerk = await f.staff(merchant.id);
    expect((await t.api('GET', '/admin/staff-limits', { token: admin })).body).toMatchObject({
      ...DEFAULTS,
      merchantId: null,
      overrides: [],
    });
    expect((await t.api('GET', '/admin/staff-limits', { token: boss.token })).body).toMatchObject({
      ...DEFAULTS,
      merchantId: merchant.id,
      overridden: false,
    });
    expectEnvelope(await t.api('GET', '/admin/staff-limits', { token: clerk.token }), 403, 'FORBIDDEN');
    expectEnvelope(
      await t.api('PUT', '/admin/staff-limits', { token: boss.token, body: DEFAULTS }),
      403,
      'FORBIDDEN',
    );
    for (const bad of [
      { ...DEFAULTS, counterPurchaseMaxFen: 0 },
      { ...DEFAULTS, tierDiscountBorneBy: 'members' },
      { ...DEFAULTS, clerkRefundMaxAgeDays: 1.5 },
      { ...DEFAULTS, extra: 1 },
    ])
      expectEnvelope(
        await t.api('PUT', '/admin/staff-limits', { token: admin, body: bad }),
        400,
        'VALIDATION_FAILED',
      );
    expectEnvelope(
      await t.api('PUT', '/admin/staff-limits/merchants/999999', {
        token: admin,
        body: { ...DEFAULTS, tierDiscountBorneBy: undefined },
      }),
      404,
      'NOT_FOUND',
    );
    const changed = { ...DEFAULTS, clerkRefundMaxFen: 60_000 };
    expect((await t.api('PUT', '/admin/staff-limits', { token: admin, body: changed })).body).toMatchObject(
      changed,
    );
    expect((await t.api('PUT', '/admin/staff-limits', { token: admin, body: DEFAULTS })).body).toMatchObject(
      DEFAULTS,
    );
  });

  it('refuses a clerk’s purchase above the single limit, changing nothing; a merchant admin records it', async () => {
    const merchant = await f.merchant();
    const [clerk, boss] = await Promise.all([f.staff(merchant.id), f.staff(merchant.id, 'merchant_admin')]);
    const m = await f.member();
    const refused = await redeem(clerk.token, m.token, 500_001);
    expectEnvelope(refused, 403, 'APPROVAL_REQUIRED');
    expect(refused.body.error.message).toContain('¥5000.00');
    expect(await count('SELECT COUNT(*) AS n FROM redemptions WHERE member_id = ?', [m.member.id])).toBe(0);
    expect(await points(m.token)).toBe(0);
    expect((await t.api('GET', '/me', { token: m.token })).body.hasPurchased).toBe(false);

    expect((await redeem(clerk.token, m.token, 500_000)).status).toBe(201);
    expect((await redeem(boss.token, m.token, 800_000)).status).toBe(201);
    expect(await points(m.token)).toBe(5_000 + Math.floor((8_000 * 1500) / 1000)); // gold after the first
  });

  it('caps a member’s business-day total at the merchant for clerks, not for its merchant admin', async () => {
    const { a, clerkA, bossA, clerkB } = await twoMerchants();
    const m = await f.member();
    for (let i = 0; i < 4; i++) expect((await redeem(clerkA.token, m.token, 500_000)).status).toBe(201);
    const before = await points(m.token);
    const refused = await redeem(clerkA.token, m.token, 1);
    expectEnvelope(refused, 403, 'APPROVAL_REQUIRED');
    expect(refused.body.error.details).toMatchObject({
      limit: 'counterDailyPerMemberMaxFen',
      limitValue: 2_000_000,
    });
    expect(await points(m.token)).toBe(before);
    expect((await redeem(clerkB.token, m.token, 500_000)).status).toBe(201); // another merchant's day
    expect((await redeem(bossA.token, m.token, 300_000)).status).toBe(201);
    const [row] = await t.dataSource.query(
      'SELECT total_fen FROM counter_daily_totals WHERE merchant_id = ? AND member_id = ?',
      [a.id, m.member.id],
    );
    expect(Number(row.total_fen)).toBe(2_300_000);
  });

  it('lets exactly the racing clerk purchases that fit the daily limit through', async () => {
    const merchant = await f.merchant();
    const clerks = await Promise.all([f.staff(merchant.id), f.staff(merchant.id), f.staff(merchant.id)]);
    const m = await f.member();
    const code = await f.memberCode(m.token);
    // 9 × ¥3,000 = ¥27,000 against ¥20,000: six fit.
    const results = await Promise.all(
      Array.from({ length: 9 }, (_, i) =>
        t.api('POST', '/staff/redemptions', {
          token: clerks[i % clerks.length].token,
          body: { memberCode: code, amountFen: 300_000 },
        }),
      ),
    );
    const statuses = results
      .map((r) => (r.status === 201 ? '201' : `${r.status} ${r.body.error.code}`))
      .sort();
    expect(statuses).toEqual([...Array(6).fill('201'), ...Array(3).fill('403 APPROVAL_REQUIRED')]);
    expect(
      await count('SELECT COUNT(*) AS n FROM redemptions WHERE member_id = ? AND merchant_id = ?', [
        m.member.id,
        merchant.id,
      ]),
    ).toBe(6);
    const [row] = await t.dataSource.query('SELECT total_fen FROM counter_daily_totals WHERE member_id = ?', [
      m.member.id,
    ]);
    expect(Number(row.total_fen)).toBe(1_800_000);
    expect((await t.api('GET', '/admin/invariants', { token: admin })).body.ok).toBe(true);
  });

  it('applies a merchant’s own limits set by the alliance, until they are cleared', async () => {
    const [a, b] = [await f.merchant(), await f.merchant()];
    const [clerkA, clerkB] = await Promise.all([f.staff(a.id), f.staff(b.id)]);
    const m = await f.member();
    const own = {
      counterPurchaseMaxFen: 10_000,
      counterDailyPerMemberMaxFen: 50_000,
      clerkRefundMaxFen: 1_000,
      clerkRefundMaxAgeDays: 1,
    };
    const set = await t.api('PUT', `/admin/staff-limits/merchants/${a.id}`, { token: admin, body: own });
    expect(set.body).toMatchObject({ ...own, merchantId: a.id, overridden: true });
    expect((await t.api('GET', '/admin/staff-limits', { token: admin })).body.overrides).toContainEqual({
      merchantId: a.id,
      ...own,
    });
    expectEnvelope(await redeem(clerkA.token, m.token, 10_001), 403, 'APPROVAL_REQUIRED');
    expect((await redeem(clerkB.token, m.token, 10_001)).status).toBe(201);
    const cleared = await t.api('DELETE', `/admin/staff-limits/merchants/${a.id}`, { token: admin });
    expect(cleared.body).toMatchObject({ ...DEFAULTS, overridden: false });
    expect((await redeem(clerkA.token, m.token, 10_001)).status).toBe(201);
  });

  describe('refunds', () => {
    let merchant: { id: string };
    let clerk: { token: string };
    let boss: { token: string };
    beforeAll(async () => {
      merchant = await f.merchant();
      [clerk, boss] = await Promise.all([f.staff(merchant.id), f.staff(merchant.id, 'merchant_admin')]);
    });
    const reserved = async (id: string) =>
      count('SELECT refund_requested_fen AS n FROM orders WHERE id = ?', [id]);

    it('refuses a clerk’s refund above ¥500, asked or as the whole rest, reserving nothing', async () => {
      const m = await f.member();
      const paid = await orders.pay(m.token, { merchantId: merchant.id, amountFen: 80_000 });
      expectEnvelope(await refund(clerk.token, paid.id), 403, 'APPROVAL_REQUIRED');
      expectEnvelope(await refund(clerk.token, paid.id, { amountFen: 50_001 }), 403, 'APPROVAL_REQUIRED');
      expect(await reserved(paid.id)).toBe(0);
      expect(await count('SELECT COUNT(*) AS n FROM refunds WHERE order_id = ?', [paid.id])).toBe(0);
      expect((await refund(clerk.token, paid.id, { amountFen: 50_000 })).status).toBe(200);
      await orders.settled(m.token, paid.id, 50_000);
      expect((await refund(boss.token, paid.id)).status).toBe(200); // the other ¥300
      expect((await orders.settled(m.token, paid.id, 80_000)).status).toBe('refunded');
    });

    it('refuses a clerk’s refund of an order paid more than 7 days ago; a merchant admin refunds it', async () => {
      const m = await f.member();
      const eightDaysAgo = new Date(Date.now() - 8 * 86_400_000);
      const paid = await orders.pay(m.token, { merchantId: merchant.id, amountFen: 3_000 }, eightDaysAgo);
      expect(paid.paidAt).toBe(eightDaysAgo.toISOString());
      const refused = await refund(clerk.token, paid.id);
      expectEnvelope(refused, 403, 'APPROVAL_REQUIRED');
      expect(refused.body.error.details).toMatchObject({ limit: 'clerkRefundMaxAgeDays', value: 8 });
      expect(await reserved(paid.id)).toBe(0);
      expect((await refund(boss.token, paid.id)).status).toBe(200);
      expect((await orders.settled(m.token, paid.id, 3_000)).status).toBe('refunded');

      const recent = await orders.pay(
        m.token,
        { merchantId: merchant.id, amountFen: 3_000 },
        new Date(Date.now() - 6 * 86_400_000),
      );
      expect((await refund(clerk.token, recent.id)).status).toBe(200);
    });
  });

  describe('anomaly view', () => {
    const activity = (token: string, query = '') =>
      t.api('GET', `/admin/reports/staff-activity${query}`, { token });

    it('flags a clerk with ten times the others’ counter total, and one near the single limit', async () => {
      const merchant = await f.merchant('异常甲');
      const [quiet1, quiet2, busy, big] = await Promise.all([
        f.staff(merchant.id),
        f.staff(merchant.id),
        f.staff(merchant.id),
        f.staff(merchant.id),
      ]);
      const members = await Promise.all([f.member(), f.member(), f.member()]);
      await redeem(quiet1.token, members[0].token, 10_000);
      await redeem(quiet2.token, members[1].token, 12_000);
      for (let i = 0; i < 10; i++) await redeem(busy.token, members[i % 3].token, 11_000);
      await redeem(big.token, members[0].token, 450_000); // over 80 % of ¥5,000
      expectEnvelope(await redeem(busy.token, members[1].token, 600_000), 403, 'APPROVAL_REQUIRED');

      const report = (await activity(admin, `?merchantId=${merchant.id}`)).body;
      const rowOf = (s: { id: string }) => report.rows.find((r: any) => r.staffId === s.id);
      expect(rowOf(busy)).toMatchObject({
        username: busy.username,
        merchantName: '异常甲',
        purchases: 10,
        purchasesFen: 110_000,
        largestPurchaseFen: 11_000,
        members: 3,
        refusals: 1,
        usualPurchasesFen: 12_000, // the median of the others: 10 000, 12 000, 450 000
        purchasesRatioPermille: 9166,
        flagged: true,
      });
      expect(rowOf(busy).flags).toEqual(['above_usual', 'refused']);
      expect(rowOf(big).flags).toEqual(['above_usual', 'near_limit']);
      expect(rowOf(quiet1)).toMatchObject({ flagged: false, flags: [] });
      expect(rowOf(quiet2)).toMatchObject({ flagged: false });
      expect(report.refusals).toEqual([
        expect.objectContaining({
          staffId: busy.id,
          action: 'counter_purchase',
          limit: 'counterPurchaseMaxFen',
          value: 600_000,
          limitValue: 500_000,
        }),
      ]);
    });

    it('counts refunds by the staff who made them and scopes a merchant admin to its merchant', async () => {
      const { a, b, clerkA, bossA, clerkB } = await twoMerchants();
      const m = await f.member();
      await redeem(clerkB.token, m.token, 5_000);
      const paid = await orders.pay(m.token, { merchantId: a.id, amountFen: 9_000 });
      expect((await refund(clerkA.token, paid.id, { amountFen: 4_000 })).status).toBe(200);

      const own = (await activity(bossA.token, `?merchantId=${b.id}`)).body;
      expect(own.rows.map((r: any) => r.merchantId)).toEqual([a.id]);
      expect(own.rows[0]).toMatchObject({ staffId: clerkA.id, refunds: 1, refundsFen: 4_000, purchases: 0 });
      const all = (await activity(admin)).body.rows.map((r: any) => r.staffId);
      expect(all).toEqual(expect.arrayContaining([clerkA.id, clerkB.id]));
      expect((await activity(admin, '?from=2020-01-01&to=2020-02-01')).body.rows).toEqual([]);
      expectEnvelope(await activity(admin, '?from=yesterday'), 400, 'VALIDATION_FAILED');
      expectEnvelope(await activity(admin, '?merchantId=abc'), 404, 'NOT_FOUND');
      expectEnvelope(await activity(clerkA.token), 403, 'FORBIDDEN');
    });
  });
});
