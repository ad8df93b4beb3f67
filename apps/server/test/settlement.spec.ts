import { businessDate, businessMonthRange } from '@allycard/domain';
import { backfillSettlementEntries } from '../src/database/migrations/1733097600000-staff-limits-settlement';
import { factories } from './factories';
import { startTestApp, TestApp, TEST_DB } from './harness';
import { paidOrders } from './paid-orders';

const LIMITS = {
  counterPurchaseMaxFen: 500_000,
  counterDailyPerMemberMaxFen: 2_000_000,
  clerkRefundMaxFen: 50_000,
  clerkRefundMaxAgeDays: 7,
};

/** Settlement entries: dated when they happen, so a closed period never changes afterwards. */
describe(`settlement entries (${TEST_DB})`, () => {
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

  const report = async (from: string, to?: string) => {
    const query = `from=${encodeURIComponent(from)}${to ? `&to=${encodeURIComponent(to)}` : ''}`;
    const res = await t.api('GET', `/admin/reports/settlement?${query}`, { token: admin });
    expect(res.status).toBe(200);
    expect(res.body.balanced).toBe(true);
    return res.body;
  };
  // WeChat's success_time has whole seconds: a period starting "now" starts a little earlier.
  const since = () => new Date(Date.now() - 2_000).toISOString();
  const rowOf = (r: any, merchantId: string | null, party = 'merchant') =>
    r.rows.find((x: any) => x.party === party && x.merchantId === merchantId);
  const bearer = (tierDiscountBorneBy: 'merchant' | 'alliance') =>
    t.api('PUT', '/admin/staff-limits', { token: admin, body: { ...LIMITS, tierDiscountBorneBy } });
  const refund = async (token: string, orderId: string, amountFen?: number) => {
    const res = await t.api('POST', `/staff/orders/${orderId}/refund`, {
      token,
      body: amountFen === undefined ? {} : { amountFen },
    });
    expect(res.status).toBe(200);
  };
  /** A member of the 银卡 tier (2 % off), from a counter purchase elsewhere. */
  const silverMember = async (clerkToken: string) => {
    const m = await f.member();
    await f.purchase(clerkToken, m.token, 100_000);
    return m;
  };

  it('settles November, refunds in December: November stays as it was, December shows the reversal', async () => {
    const [shop, elsewhere] = [await f.merchant(), await f.merchant()];
    const [boss, other] = await Promise.all([f.staff(shop.id, 'merchant_admin'), f.staff(elsewhere.id)]);
    await bearer('alliance');
    const m = await silverMember(other.token);
    const coupon = await f.claim(m.token, (await f.template({ valueFen: 1_000 })).id);
    const thisMonth = businessMonthRange(new Date());
    const lastMonth = businessMonthRange(new Date(thisMonth.from.getTime() - 1));
    const paidAt = new Date(lastMonth.from.getTime() + 10 * 86_400_000 + 3 * 3_600_000);
    const paid = await orders.pay(
      m.token,
      { merchantId: shop.id, amountFen: 20_000, couponId: coupon.id },
      paidAt,
    );
    expect(paid).toMatchObject({ tierDiscountFen: 400, couponDiscountFen: 1_000, payableFen: 18_600 });
    await bearer('merchant'); // what a payment already posted keeps its bearer

    const november = () => report(businessDate(lastMonth.from), businessDate(thisMonth.from));
    const closed = await november();
    expect(rowOf(closed, shop.id)).toMatchObject({
      couponsRedeemedHereFen: 1_000,
      tierDiscountsGivenFen: 400,
      tierDiscountsReceivableFen: 400,
    });
    expect(rowOf(closed, null, 'alliance')).toMatchObject({
      couponsBorneFen: 1_000,
      tierDiscountsBorneFen: 400,
    });

    const refundedFrom = since();
    await refund(boss.token, paid.id); // paid weeks ago: the merchant admin refunds
    expect((await orders.settled(m.token, paid.id, 18_600)).status).toBe('refunded');
    expect((await t.api('GET', `/me/coupons/${coupon.id}`, { token: m.token })).body.status).toBe(
      'available',
    );

    expect(await november()).toEqual(closed);
    const december = await report(refundedFrom);
    expect(rowOf(december, shop.id)).toMatchObject({
      couponsRedeemedHereFen: -1_000,
      tierDiscountsGivenFen: -400,
      tierDiscountsReceivableFen: -400,
    });
    expect(rowOf(december, null, 'alliance')).toMatchObject({
      couponsBorneFen: -1_000,
      tierDiscountsBorneFen: -400,
    });
  });

  it('reverses the coupon subsidy on a full refund even when the expired coupon cannot come back', async () => {
    const [shop, issuer] = [await f.merchant(), await f.merchant()];
    const clerk = await f.staff(shop.id);
    const validUntil = new Date(Date.now() + 5_000);
    const template = await f.template({
      valueFen: 500,
      validDays: undefined,
      validFrom: new Date(Date.now() - 3_600_000).toISOString(),
      validUntil: validUntil.toISOString(),
      issuer: { type: 'merchant', merchantId: issuer.id },
    });
    const m = await f.member();
    const coupon = await f.claim(m.token, template.id);
    const from = since();
    const paid = await orders.pay(m.token, { merchantId: shop.id, amountFen: 5_000, couponId: coupon.id });
    const paidReport = await report(from);
    expect(rowOf(paidReport, shop.id).couponsRedeemedHereFen).toBe(500);
    expect(rowOf(paidReport, issuer.id).couponsBorneFen).toBe(500);

    await new Promise((r) => setTimeout(r, Math.max(0, validUntil.getTime() - Date.now() + 200)));
    await refund(clerk.token, paid.id);
    expect((await orders.settled(m.token, paid.id, 4_500)).status).toBe('refunded');
    const [row] = await t.dataSource.query('SELECT coupon_returned FROM refunds WHERE order_id = ?', [
      paid.id,
    ]);
    expect(Number(row.coupon_returned)).toBe(0);

    const after = await report(from);
    expect(rowOf(after, shop.id)).toMatchObject({ couponsRedeemedHereFen: 0, netFen: 0 });
    expect(rowOf(after, issuer.id)).toMatchObject({ couponsBorneFen: 0, netFen: 0 });
  });

  it('shows tier discounts a merchant bears itself, settles those the alliance bears, and reverses them in proportion', async () => {
    const [shop, elsewhere] = [await f.merchant(), await f.merchant()];
    const [clerk, other] = await Promise.all([f.staff(shop.id), f.staff(elsewhere.id)]);
    const m = await silverMember(other.token);
    const from = since();
    await orders.pay(m.token, { merchantId: shop.id, amountFen: 10_000 }); // ¥2 tier discount, its own
    const own = rowOf(await report(from), shop.id);
    expect(own).toMatchObject({ tierDiscountsGivenFen: 200, tierDiscountsReceivableFen: 0 });
    expect(own.netFen).toBe(own.pointsNetFen);

    await bearer('alliance');
    try {
      const coupon = await f.claim(m.token, (await f.template({ valueFen: 1_000 })).id);
      const paid = await orders.pay(m.token, { merchantId: shop.id, amountFen: 10_000, couponId: coupon.id });
      expect(paid.payableFen).toBe(8_800);
      await refund(clerk.token, paid.id, 2_200); // a quarter: ¥0.50 of the tier discount, no coupon
      await orders.settled(m.token, paid.id, 2_200);
    } finally {
      await bearer('merchant');
    }
    const after = await report(from);
    const row = rowOf(after, shop.id);
    expect(row).toMatchObject({
      tierDiscountsGivenFen: 200 + 200 - 50,
      tierDiscountsReceivableFen: 150,
      couponsRedeemedHereFen: 1_000,
    });
    expect(row.netFen).toBe(row.pointsNetFen + 1_000 + 150);
    expect(rowOf(after, null, 'alliance').tierDiscountsBorneFen).toBe(150);

    const csv = await t.api('GET', `/admin/reports/settlement?from=${encodeURIComponent(from)}&format=csv`, {
      token: admin,
    });
    expect(csv.body.split('\r\n')[0]).toContain(
      'tierDiscountsGivenFen,tierDiscountsReceivableFen,tierDiscountsBorneFen',
    );
  });
});

describe(`settlement entries backfilled by the migration (${TEST_DB})`, () => {
  let t: TestApp;
  let f: ReturnType<typeof factories>;

  beforeAll(async () => {
    t = await startTestApp();
    f = factories(t);
  });
  afterAll(() => t.close());

  const entries = () =>
    t.dataSource.query(
      `SELECT kind, beneficiary_merchant_id, bearer, amount_fen, source_type, source_id, occurred_at
       FROM settlement_entries ORDER BY source_type, source_id, kind`,
    );

  it('writes for past activity exactly the entries the live code wrote', async () => {
    const [shop, issuer] = [await f.merchant(), await f.merchant()];
    const [clerk, issuerClerk] = await Promise.all([f.staff(shop.id), f.staff(issuer.id)]);
    const orders = paidOrders(t);
    const m = await f.member();
    const issuers = { type: 'merchant', merchantId: issuer.id };
    await f.purchase(issuerClerk.token, m.token, 100_000); // 银卡
    // At the counter: another merchant's coupon (it bears it) and the merchant's own (nobody does).
    await f.purchase(
      clerk.token,
      m.token,
      3_000,
      (await f.claim(m.token, (await f.template({ issuer: issuers })).id)).id,
    );
    const ownTemplate = await f.template({ issuer: { type: 'merchant', merchantId: issuer.id } });
    await f.purchase(issuerClerk.token, m.token, 3_000, (await f.claim(m.token, ownTemplate.id)).id);
    // Paid orders: refunded in three parts, refunded at once, kept, and one paid wholly by its coupon.
    const claim = async (valueFen: number) =>
      (await f.claim(m.token, (await f.template({ valueFen })).id)).id;
    const parts = await orders.pay(m.token, {
      merchantId: shop.id,
      amountFen: 10_300,
      couponId: await claim(700),
    });
    for (const [amountFen, total] of [
      [3_000, 3_000],
      [3_333, 6_333],
      [undefined, parts.payableFen],
    ] as const) {
      await t.api('POST', `/staff/orders/${parts.id}/refund`, {
        token: clerk.token,
        body: amountFen ? { amountFen } : {},
      });
      await orders.settled(m.token, parts.id, total);
    }
    const whole = await orders.pay(m.token, { merchantId: shop.id, amountFen: 7_777 });
    await t.api('POST', `/staff/orders/${whole.id}/refund`, { token: clerk.token, body: {} });
    await orders.settled(m.token, whole.id, whole.payableFen);
    await orders.pay(m.token, { merchantId: issuer.id, amountFen: 4_321, couponId: await claim(300) });
    const free = await orders.pay(m.token, {
      merchantId: shop.id,
      amountFen: 1_000,
      couponId: await claim(1_000),
    });
    expect(free.payableFen).toBe(0);
    await t.api('POST', `/staff/orders/${free.id}/refund`, { token: clerk.token, body: {} });
    await orders.settled(m.token, free.id, 0);

    const live = await entries();
    expect(live.length).toBeGreaterThanOrEqual(10);
    const report = async () =>
      (await t.api('GET', '/admin/reports/settlement', { token: await f.adminToken() })).body;
    const before = await report();
    await t.dataSource.query('DELETE FROM settlement_entries');
    const runner = t.dataSource.createQueryRunner();
    try {
      await backfillSettlementEntries(runner);
    } finally {
      await runner.release();
    }
    expect(await entries()).toEqual(live);
    expect(await report()).toEqual(before);

    // The live check of invariant 6 notices a refunded order whose reversal went missing.
    const check = async () =>
      (await t.api('GET', '/admin/invariants', { token: await f.adminToken() })).body.checks.find((c: any) =>
        c.name.startsWith('6. settlement'),
      );
    expect(await check()).toMatchObject({ ok: true });
    await t.dataSource.query(
      `DELETE FROM settlement_entries WHERE source_type = 'refund' AND source_id IN (SELECT id FROM refunds WHERE order_id = ?)`,
      [whole.id],
    );
    expect(await check()).toMatchObject({ ok: false });
  });
});
