import { Clock } from '../src/common/clock';
import { expectEnvelope, factories } from './factories';
import { startTestApp, TestApp, TEST_DB } from './harness';
import { paidOrders } from './paid-orders';

const at = (s: string) => new Date(s);

/** Issue 13's remainder: the member day's discount, points promotions, spend-and-get. */
describe(`member-day discount and points promotions (${TEST_DB})`, () => {
  let t: TestApp;
  let f: ReturnType<typeof factories>;
  let admin: string;
  let clock: Clock;

  // a ladder without tier discounts, so that ¥100 is what is paid; gold earns 1.5×
  const tiers = [
    {
      code: 'normal',
      name: '普通会员',
      minSpendFen: 0,
      discountPermille: 1000,
      pointsMultiplierPermille: 1000,
    },
    {
      code: 'gold',
      name: '金卡',
      minSpendFen: 300_000,
      discountPermille: 1000,
      pointsMultiplierPermille: 1500,
    },
  ];

  beforeAll(async () => {
    t = await startTestApp();
    f = factories(t);
    admin = await f.adminToken();
    clock = t.app.get(Clock);
    expect((await t.api('PUT', '/admin/tiers', { token: admin, body: { tiers } })).status).toBe(200);
  });
  afterEach(async () => {
    clock.reset();
    await t.api('PUT', '/admin/benefits', { token: admin, body: { birthday: null, memberDay: null } });
  });
  afterAll(() => t.close());

  const putBenefits = (body: unknown, token = admin) => t.api('PUT', '/admin/benefits', { token, body });
  const me = (token: string) => t.api('GET', '/me', { token }).then((r) => r.body);
  const preview = (token: string, body: object) =>
    t.api('POST', '/orders/preview', { token, body }).then((r) => r.body);
  const goldMember = async () => {
    const m = await f.member();
    const grant = await t.api('POST', `/admin/members/${m.member.id}/tier-grant`, {
      token: admin,
      body: { tierCode: 'gold', until: '2027-12-31T00:00:00Z', reason: '测试金卡' },
    });
    expect(grant.status).toBe(200);
    return m;
  };

  it('gives the member day’s 10% off at its merchants on the day: the preview is the charge, refunds stay proportional', async () => {
    const a = await f.merchant();
    const b = await f.merchant();
    const manager = await f.staff(a.id, 'merchant_admin');
    const ok = await putBenefits({
      birthday: null,
      memberDay: { weekday: 6, pointsMultiplierPermille: 2000, discountPermille: 100, merchantIds: [a.id] },
    });
    expect(ok.status).toBe(200);
    expect(ok.body.memberDay).toMatchObject({
      discountPermille: 100,
      discountFen: null,
      merchantIds: [a.id],
    });
    const m = await goldMember();
    const pay = paidOrders(t);

    clock.travelTo(at('2026-12-12T10:00:00+08:00')); // a Saturday
    const atA = await preview(m.token, { merchantId: a.id, amountFen: 10_000 });
    expect(atA).toMatchObject({
      memberDayDiscountFen: 1_000,
      payableFen: 9_000,
      pointsEarned: 270, // 90 × 1.5 × 2
      earning: { multiplierPermille: 3000, memberDay: true },
    });
    const atB = await preview(m.token, { merchantId: b.id, amountFen: 10_000 });
    expect(atB).toMatchObject({ memberDayDiscountFen: 0, payableFen: 10_000, pointsEarned: 150 });
    const benefits = (await t.api('GET', '/benefits', { token: m.token })).body;
    expect(benefits.memberDay).toMatchObject({ discountPermille: 100, merchantIds: [a.id], forMe: true });

    const order = await pay.pay(m.token, { merchantId: a.id, amountFen: 10_000 });
    expect(order).toMatchObject({ memberDayDiscountFen: 1_000, payableFen: 9_000, pointsEarned: 270 });

    clock.travelTo(at('2026-12-13T10:00:00+08:00'));
    expect(await preview(m.token, { merchantId: a.id, amountFen: 10_000 })).toMatchObject({
      memberDayDiscountFen: 0,
      payableFen: 10_000,
      pointsEarned: 150,
    });

    // a third of the paid amount back: a third of the points
    expect(
      (
        await t.api('POST', `/staff/orders/${order.id}/refund`, {
          token: manager.token,
          body: { amountFen: 3_000 },
        })
      ).status,
    ).toBe(200);
    await pay.settled(m.token, order.id, 3_000);
    expect((await me(m.token)).points).toBe(270 - 90);
    const inv = (await t.api('GET', '/admin/invariants', { token: admin })).body;
    expect(inv.checks.filter((c: any) => !c.ok)).toEqual([]);
  });

  it('refuses a bad member-day discount — both kinds, too much, an unknown merchant — nothing changed', async () => {
    const a = await f.merchant();
    expect(
      (
        await putBenefits({
          birthday: null,
          memberDay: { weekday: 3, pointsMultiplierPermille: 1000, discountFen: 500 },
        })
      ).status,
    ).toBe(200);
    const before = (await t.api('GET', '/admin/benefits', { token: admin })).body;
    const day = { weekday: 3, pointsMultiplierPermille: 1000 };
    expectEnvelope(
      await putBenefits({ birthday: null, memberDay: { ...day, discountFen: 500, discountPermille: 100 } }),
      400,
      'VALIDATION_FAILED',
    );
    expectEnvelope(
      await putBenefits({ birthday: null, memberDay: { ...day, discountPermille: 600 } }),
      400,
      'VALIDATION_FAILED',
    );
    expectEnvelope(
      await putBenefits({ birthday: null, memberDay: { ...day, discountFen: 500, merchantIds: [] } }),
      400,
      'VALIDATION_FAILED',
    );
    const unknown = await putBenefits({
      birthday: null,
      memberDay: { ...day, discountFen: 500, merchantIds: [a.id, '987654321'] },
    });
    expectEnvelope(unknown, 404, 'NOT_FOUND');
    expect((await t.api('GET', '/admin/benefits', { token: admin })).body).toEqual(before);
  });

  const promotions = (body?: unknown, method = 'POST', path = '/admin/benefits/promotions', token = admin) =>
    t.api(method as never, path, { token, body });
  const fundedBy = async (merchantId: string) =>
    Number(
      (
        await t.dataSource.query(
          `SELECT COALESCE(SUM(amount), 0) AS s FROM points_postings WHERE account_kind = 'merchant_funding' AND owner_id = ?`,
          [merchantId],
        )
      )[0].s,
    );

  it('earns ¥100 at 1.5× during a sponsored 2× promotion 300 points (preview = result), outside it 150; the sponsor funds the extra, a partial refund credits both in proportion, settlement sums to zero', async () => {
    const since = new Date(Date.now() - 2_000).toISOString();
    const shop = await f.merchant();
    const sponsor = await f.merchant();
    const manager = await f.staff(shop.id, 'merchant_admin');
    const created = await promotions({
      name: '双十二双倍积分',
      multiplierPermille: 2000,
      startsAt: '2026-12-14T00:00:00+08:00',
      endsAt: '2026-12-15T00:00:00+08:00',
      merchantIds: [shop.id],
      sponsorMerchantId: sponsor.id,
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      multiplierPermille: 2000,
      sponsorMerchantId: sponsor.id,
      state: 'upcoming',
    });
    const m = await goldMember();
    const pay = paidOrders(t);
    const body = { merchantId: shop.id, amountFen: 10_000 };

    clock.travelTo(at('2026-12-14T10:00:00+08:00')); // a Monday: no member day
    const benefits = (await t.api('GET', '/benefits', { token: m.token })).body;
    expect(benefits.promotions).toEqual([expect.objectContaining({ id: created.body.id, state: 'active' })]);
    expect(await preview(m.token, body)).toMatchObject({
      pointsEarned: 300,
      earning: { multiplierPermille: 3000, memberDay: false, promotionIds: [created.body.id], capped: false },
    });
    const order = await pay.pay(m.token, body);
    expect(order.pointsEarned).toBe(300);
    expect(await fundedBy(sponsor.id)).toBe(-150);
    expect(await fundedBy(shop.id)).toBe(-150);

    clock.travelTo(at('2026-12-15T00:00:00+08:00')); // the window's end is not in it
    expect(await preview(m.token, body)).toMatchObject({ pointsEarned: 150, earning: { promotionIds: [] } });
    expect((await t.api('GET', '/benefits', { token: m.token })).body.promotions).toEqual([]);
    expect((await pay.pay(m.token, body)).pointsEarned).toBe(150);
    // a counter purchase earns by the same rule, on the counter's (moved) clock
    clock.travelTo(at('2026-12-14T20:00:00+08:00'));
    const clerk = await f.staff(shop.id);
    expect((await f.purchase(clerk.token, m.token, 10_000)).pointsEarned).toBe(300);
    expect((await me(m.token)).points).toBe(750);

    // 40% refunded: 120 of the 300 back, 60 to the shop and 60 to the sponsor
    expect(
      (
        await t.api('POST', `/staff/orders/${order.id}/refund`, {
          token: manager.token,
          body: { amountFen: 4_000 },
        })
      ).status,
    ).toBe(200);
    await pay.settled(m.token, order.id, 4_000);
    expect((await me(m.token)).points).toBe(750 - 120);
    expect(await fundedBy(sponsor.id)).toBe(-150 - 150 + 60);
    expect(await fundedBy(shop.id)).toBe(-150 - 150 - 150 + 60);

    const report = (
      await t.api('GET', `/admin/reports/settlement?from=${encodeURIComponent(since)}`, { token: admin })
    ).body;
    expect(report.balanced).toBe(true);
    const sponsorRow = report.rows.find((r: any) => r.merchantId === sponsor.id);
    expect(sponsorRow).toMatchObject({ pointsNet: -240 });
    const inv = (await t.api('GET', '/admin/invariants', { token: admin })).body;
    expect(inv.checks.filter((c: any) => !c.ok)).toEqual([]);
    expect(
      (await promotions(undefined, 'DELETE', `/admin/benefits/promotions/${created.body.id}`)).status,
    ).toBe(200);
  });

  it('refuses bad promotions — end before start, unknown merchant or sponsor, 1× or absurd, stacking over 5×, a member — 4xx, nothing changed', async () => {
    const shop = await f.merchant();
    const good = {
      name: '周末三倍',
      multiplierPermille: 3000,
      startsAt: '2027-01-02T00:00:00+08:00',
      endsAt: '2027-01-04T00:00:00+08:00',
      merchantIds: [shop.id],
    };
    const first = await promotions(good);
    expect(first.status).toBe(201);
    const before = (await promotions(undefined, 'GET')).body;
    expectEnvelope(await promotions({ ...good, endsAt: good.startsAt }), 400, 'VALIDATION_FAILED');
    expectEnvelope(
      await promotions({ ...good, endsAt: '2027-01-01T00:00:00+08:00' }),
      400,
      'VALIDATION_FAILED',
    );
    expectEnvelope(await promotions({ ...good, merchantIds: ['987654321'] }), 404, 'NOT_FOUND');
    expectEnvelope(await promotions({ ...good, sponsorMerchantId: '987654321' }), 404, 'NOT_FOUND');
    expectEnvelope(await promotions({ ...good, multiplierPermille: 1000 }), 400, 'VALIDATION_FAILED');
    expectEnvelope(await promotions({ ...good, multiplierPermille: 900_000 }), 400, 'VALIDATION_FAILED');
    expectEnvelope(await promotions({ ...good, startsAt: 'tomorrow' }), 400, 'VALIDATION_FAILED');
    // 3× and 2× meeting at the shop: 6× on their own, over the 5× cap
    const stacked = await promotions({
      ...good,
      multiplierPermille: 2000,
      merchantIds: null,
      startsAt: '2027-01-03T00:00:00+08:00',
      endsAt: '2027-01-10T00:00:00+08:00',
    });
    expectEnvelope(stacked, 400, 'VALIDATION_FAILED');
    expect(stacked.body.error.message).toMatch(/叠加后达 6 倍，超过上限 5 倍/);
    // after the first one ends it is fine
    const later = await promotions({
      ...good,
      multiplierPermille: 2000,
      startsAt: '2027-01-04T00:00:00+08:00',
      endsAt: '2027-01-10T00:00:00+08:00',
    });
    expect(later.status).toBe(201);
    // changing the first to overlap it is refused too
    expectEnvelope(
      await promotions(
        { ...good, endsAt: '2027-01-05T00:00:00+08:00' },
        'PUT',
        `/admin/benefits/promotions/${first.body.id}`,
      ),
      400,
      'VALIDATION_FAILED',
    );
    expectEnvelope(await promotions(good, 'PUT', '/admin/benefits/promotions/987654321'), 404, 'NOT_FOUND');
    const m = await f.member();
    expectEnvelope(await promotions(good, 'POST', '/admin/benefits/promotions', m.token), 403, 'FORBIDDEN');
    const after = (await promotions(undefined, 'GET')).body;
    expect(after.filter((p: any) => p.id !== later.body.id)).toEqual(before);
    for (const p of after) await promotions(undefined, 'DELETE', `/admin/benefits/promotions/${p.id}`);
  });
});
