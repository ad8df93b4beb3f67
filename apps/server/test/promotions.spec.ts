import { SpendGetService } from '../src/benefits/spend-get.service';
import { Clock } from '../src/common/clock';
import { TransactionRunner } from '../src/common/transactions';
import { Order } from '../src/orders/order.entities';
import { expectEnvelope, factories } from './factories';
import { startTestApp, TestApp, TEST_DB } from './harness';
import { paidOrders } from './paid-orders';
import { notificationCrafter, payKeys, postNotification } from './pay-helpers';

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

  it('spend-and-get: racing notifications of one order issue one coupon, a full refund withdraws it unused, a used one stays and is listed', async () => {
    const shop = await f.merchant();
    const manager = await f.staff(shop.id, 'merchant_admin');
    const template = await f.template({ title: '满百返五元', channel: 'issue_only', stock: 100 });
    const rule = await t.api('POST', '/admin/benefits/spend-get', {
      token: admin,
      body: { merchantId: shop.id, minPaidFen: 10_000, templateId: template.id },
    });
    expect(rule.status).toBe(201);
    expect(rule.body).toMatchObject({ minPaidFen: 10_000, couponTitle: '满百返五元' });
    const m = await f.member();
    expect((await t.api('GET', '/benefits', { token: m.token })).body.spendGet).toEqual([rule.body]);
    const spendGetCoupons = async () =>
      (
        await t.dataSource.query(
          `SELECT id, status FROM coupons WHERE member_id = ? AND source = 'spend_get'`,
          [m.member.id],
        )
      ).map((c: any) => ({ id: String(c.id), status: c.status }));

    // below the amount: nothing
    const pay = paidOrders(t);
    await pay.pay(m.token, { merchantId: shop.id, amountFen: 9_999 });
    expect(await spendGetCoupons()).toEqual([]);

    // two notifications of the same order at once: one coupon
    const created = await t.api('POST', '/orders', {
      token: m.token,
      body: { merchantId: shop.id, amountFen: 12_000 },
    });
    expect(created.status).toBe(201);
    const order = created.body.order;
    const craft = notificationCrafter(await payKeys(t));
    const notice = () => craft.build(craft.transaction(order.outTradeNo, order.payableFen));
    const answers = await Promise.all([postNotification(t, notice()), postNotification(t, notice())]);
    expect(answers.map((a) => a.status).every((s) => s === 200 || s === 204)).toBe(true);
    await t.http('POST', `/sandbox/wechat/pay/${order.outTradeNo}/confirm`);
    expect((await pay.get(m.token, order.id)).status).toBe('paid');
    const [first] = await spendGetCoupons();
    expect(await spendGetCoupons()).toEqual([{ id: first.id, status: 'available' }]);
    // the grant's unique key, not the order's guard, decides: two more runs of the listener at once
    const paidRow = await t.dataSource.getRepository(Order).findOneByOrFail({ id: order.id });
    const again = () =>
      t.app.get(TransactionRunner).run((em) => t.app.get(SpendGetService).onPaid(em, paidRow, new Date()));
    expect(await Promise.all([again(), again()])).toEqual([null, null]);
    expect(await spendGetCoupons()).toHaveLength(1);

    // a partial refund keeps it; the full refund withdraws the unused coupon
    const refund = (amountFen: number, id = order.id) =>
      t.api('POST', `/staff/orders/${id}/refund`, { token: manager.token, body: { amountFen } });
    expect((await refund(2_000)).status).toBe(200);
    await pay.settled(m.token, order.id, 2_000);
    expect((await spendGetCoupons())[0].status).toBe('available');
    expect((await refund(10_000)).status).toBe(200);
    await pay.settled(m.token, order.id, 12_000);
    expect(await spendGetCoupons()).toEqual([{ id: first.id, status: 'void' }]);

    // used before the full refund: it stays, and the case is listed
    const second = await pay.pay(m.token, { merchantId: shop.id, amountFen: 10_000 });
    const issued = (await spendGetCoupons()).find((c: any) => c.status === 'available')!;
    await pay.pay(m.token, { merchantId: shop.id, amountFen: 1_000, couponId: issued.id });
    expect((await refund(second.payableFen, second.id)).status).toBe(200);
    await pay.settled(m.token, second.id, second.payableFen);
    expect((await spendGetCoupons()).find((c: any) => c.id === issued.id)!.status).toBe('used');
    const kept = await t.api('GET', '/admin/benefits/spend-get/kept', { token: admin });
    expect(kept.body).toEqual([expect.objectContaining({ orderId: second.id, couponId: issued.id })]);
    const inv = (await t.api('GET', '/admin/invariants', { token: admin })).body;
    expect(inv.checks.filter((c: any) => !c.ok)).toEqual([]);
    expect(
      (await t.api('DELETE', `/admin/benefits/spend-get/${rule.body.id}`, { token: admin })).status,
    ).toBe(200);
  });

  it('refuses a spend-and-get rule with another alliance’s template, an unknown merchant, a bad amount — nothing changed', async () => {
    const template = await f.template({ title: '外盟券' });
    const [{ id: otherAlliance }] = await t.dataSource.query(`SELECT MAX(id) + 1 AS id FROM alliances`);
    await t.dataSource.query(`UPDATE coupon_templates SET alliance_id = ? WHERE id = ?`, [
      otherAlliance,
      template.id,
    ]);
    const mine = await f.template({ title: '本盟券' });
    const post = (body: object) => t.api('POST', '/admin/benefits/spend-get', { token: admin, body });
    const before = (await t.api('GET', '/admin/benefits/spend-get', { token: admin })).body;
    expectEnvelope(await post({ minPaidFen: 10_000, templateId: template.id }), 404, 'NOT_FOUND');
    expectEnvelope(
      await post({ minPaidFen: 10_000, templateId: mine.id, merchantId: '987654321' }),
      404,
      'NOT_FOUND',
    );
    // a template that cannot issue now (paused, none left): refused, saying why
    const paused = await f.template({ title: '暂停券' });
    expect((await t.api('POST', `/admin/coupon-templates/${paused.id}/pause`, { token: admin })).status).toBe(
      200,
    );
    const refusedPaused = await post({ minPaidFen: 10_000, templateId: paused.id });
    expectEnvelope(refusedPaused, 400, 'VALIDATION_FAILED');
    expect(refusedPaused.body.error.message).toContain('已暂停');
    const gone = await f.template({ title: '发完券', stock: 1 });
    await f.claim((await f.member()).token, gone.id);
    expectEnvelope(await post({ minPaidFen: 10_000, templateId: gone.id }), 400, 'VALIDATION_FAILED');
    expectEnvelope(await post({ minPaidFen: 0, templateId: mine.id }), 400, 'VALIDATION_FAILED');
    expectEnvelope(await post({ minPaidFen: 1.5, templateId: mine.id }), 400, 'VALIDATION_FAILED');
    expectEnvelope(
      await t.api('DELETE', '/admin/benefits/spend-get/987654321', { token: admin }),
      404,
      'NOT_FOUND',
    );
    expect((await t.api('GET', '/admin/benefits/spend-get', { token: admin })).body).toEqual(before);
  });
});
