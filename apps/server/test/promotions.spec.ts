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
});
