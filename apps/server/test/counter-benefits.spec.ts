import { businessDate } from '@allycard/domain';
import { SpendGetService } from '../src/benefits/spend-get.service';
import { Clock } from '../src/common/clock';
import { TransactionRunner } from '../src/common/transactions';
import { Redemption } from '../src/counter/redemption.entity';
import { expectEnvelope, factories } from './factories';
import { startTestApp, TestApp, TEST_DB } from './harness';

/** Issue 13 at the counter: spend-and-get for a clerk's purchase, and voiding it. */
describe(`benefits at the counter (${TEST_DB})`, () => {
  let t: TestApp;
  let f: ReturnType<typeof factories>;
  let admin: string;
  let shop: { id: string };
  let clerk: { token: string };

  beforeAll(async () => {
    t = await startTestApp();
    f = factories(t);
    admin = await f.adminToken();
    shop = await f.merchant();
    clerk = await f.staff(shop.id);
  });
  afterEach(async () => {
    t.app.get(Clock).reset();
    await t.api('PUT', '/admin/benefits', { token: admin, body: { birthday: null, memberDay: null } });
  });
  afterAll(() => t.close());

  const spendGetCoupons = async (memberId: string) =>
    (
      await t.dataSource.query(
        `SELECT id, status FROM coupons WHERE member_id = ? AND source = 'spend_get' ORDER BY id`,
        [memberId],
      )
    ).map((c: any) => ({ id: String(c.id), status: c.status }));
  const record = (memberCode: string, amountFen: number, key: string, couponId?: string) =>
    t.api('POST', '/staff/redemptions', {
      token: clerk.token,
      body: { memberCode, amountFen, ...(couponId && { couponId }) },
      headers: { 'idempotency-key': key },
    });
  const voidRecord = (id: string, token = clerk.token) =>
    t.api('POST', `/staff/redemptions/${id}/void`, { token, body: { reason: '金额输错' } });

  it('spend-and-get at the counter: one coupon per record (racing retries, listener reruns), a void withdraws it unused, a used one stays and is listed', async () => {
    const template = await f.template({ title: '店内满百返券', channel: 'issue_only', stock: 100 });
    const rule = await t.api('POST', '/admin/benefits/spend-get', {
      token: admin,
      body: { merchantId: shop.id, minPaidFen: 10_000, templateId: template.id },
    });
    expect(rule.status).toBe(201);
    const m = await f.member();
    const code = await f.memberCode(m.token);

    // below the amount: nothing
    expect((await record(code, 9_999, `low-${f.unique()}`)).status).toBe(201);
    expect(await spendGetCoupons(m.member.id)).toEqual([]);

    // two identical recordings with one Idempotency-Key at once: one record, one coupon
    const key = `sg-${f.unique()}`;
    const [a, b] = await Promise.all([record(code, 12_000, key), record(code, 12_000, key)]);
    expect([a.status, b.status]).toEqual([201, 201]);
    expect(a.body.id).toBe(b.body.id);
    const [issued] = await spendGetCoupons(m.member.id);
    expect(await spendGetCoupons(m.member.id)).toEqual([{ id: issued.id, status: 'available' }]);
    // the grant's unique key decides: two more runs of the listener for that record at once
    const row = await t.dataSource.getRepository(Redemption).findOneByOrFail({ id: a.body.id });
    const again = () =>
      t.app
        .get(TransactionRunner)
        .run((em) => t.app.get(SpendGetService).onCounterRecorded(em, row, new Date()));
    expect(await Promise.all([again(), again()])).toEqual([null, null]);
    expect(await spendGetCoupons(m.member.id)).toHaveLength(1);

    // two voids at once: one goes on, the unused coupon is withdrawn once
    const voids = await Promise.all([voidRecord(a.body.id), voidRecord(a.body.id)]);
    expect(voids.map((v) => v.status).sort()).toEqual([200, 409]);
    expect(await spendGetCoupons(m.member.id)).toEqual([{ id: issued.id, status: 'void' }]);
    const grants = await t.dataSource.query(
      `SELECT status FROM spend_get_grants WHERE source_type = 'redemption' AND source_id = ?`,
      [a.body.id],
    );
    expect(grants).toEqual([{ status: 'withdrawn' }]);

    // a coupon of ¥5 off takes the paid amount under ¥100: no spend-and-get coupon for it
    const five = await f.template({ title: '五元券' });
    const claimed = await f.claim(m.token, five.id);
    const under = await record(code, 10_000, `under-${f.unique()}`, claimed.id);
    expect(under.body).toMatchObject({ couponDiscountFen: 500, payableFen: 9_500 });
    expect(await spendGetCoupons(m.member.id)).toHaveLength(1);

    // used before the void: it stays, and the case is listed as the counter record's
    const second = await record(code, 20_000, `second-${f.unique()}`);
    const fresh = (await spendGetCoupons(m.member.id)).find((c: any) => c.status === 'available')!;
    expect(fresh).toBeDefined();
    expect((await record(code, 1_000, `use-${f.unique()}`, fresh.id)).status).toBe(201);
    expect((await voidRecord(second.body.id)).status).toBe(200);
    expect((await spendGetCoupons(m.member.id)).find((c: any) => c.id === fresh.id)!.status).toBe('used');
    const kept = await t.api('GET', '/admin/benefits/spend-get/kept', { token: admin });
    expect(kept.status).toBe(200);
    expect(kept.body).toEqual([
      expect.objectContaining({
        sourceType: 'redemption',
        orderId: null,
        redemptionId: second.body.id,
        memberId: m.member.id,
        couponId: fresh.id,
      }),
    ]);
    const inv = (await t.api('GET', '/admin/invariants', { token: admin })).body;
    expect(inv.checks.filter((c: any) => !c.ok)).toEqual([]);
    expect(
      (await t.api('DELETE', `/admin/benefits/spend-get/${rule.body.id}`, { token: admin })).status,
    ).toBe(200);
  });

  it('gives the member day’s extra discount at the counter on the day: the clerk sees it, the record keeps it, points, tier spend and reports count what was paid, a void reverses it', async () => {
    const here = await f.merchant();
    const elsewhere = await f.merchant();
    const hereClerk = await f.staff(here.id);
    const otherClerk = await f.staff(elsewhere.id);
    const put = await t.api('PUT', '/admin/benefits', {
      token: admin,
      body: {
        birthday: null,
        memberDay: { weekday: 6, pointsMultiplierPermille: 2000, discountFen: 500, merchantIds: [here.id] },
      },
    });
    expect(put.status).toBe(200);
    const m = await f.member();
    const code = await f.memberCode(m.token);
    const five = await f.template({ title: '无门槛五元', kind: 'no_threshold', valueFen: 500 });
    const coupon = await f.claim(m.token, five.id);
    const lookup = async (token: string) =>
      (await t.api('POST', '/staff/members/lookup', { token, body: { memberCode: code } })).body;
    const redeem = (token: string, body: object) =>
      t.api('POST', '/staff/redemptions', { token, body: { memberCode: code, ...body } });
    const spendEntries = async () =>
      Number(
        (
          await t.dataSource.query(
            `SELECT COALESCE(SUM(amount_fen), 0) AS s FROM spend_entries WHERE member_id = ?`,
            [m.member.id],
          )
        )[0].s,
      );

    t.app.get(Clock).travelTo(new Date('2026-12-12T10:00:00+08:00')); // a Saturday
    expect((await lookup(hereClerk.token)).memberDayDiscount).toEqual({
      offPermille: null,
      offFen: 500,
      text: '再减 5 元',
    });
    expect((await lookup(otherClerk.token)).memberDayDiscount).toBeNull();

    // ¥100 with a ¥5 coupon on the member day: ¥5 off, then the coupon, ¥90 paid, 2× points
    const onDay = await redeem(hereClerk.token, { amountFen: 10_000, couponId: coupon.id });
    expect(onDay.status).toBe(201);
    expect(onDay.body).toMatchObject({
      amountFen: 10_000,
      memberDayDiscountFen: 500,
      couponDiscountFen: 500,
      payableFen: 9_000,
      pointsEarned: 180,
    });
    expect(await spendEntries()).toBe(9_000);
    const listed = (await t.api('GET', '/staff/redemptions?day=today', { token: hereClerk.token })).body;
    expect(listed.items.find((r: any) => r.id === onDay.body.id)).toMatchObject({
      memberDayDiscountFen: 500,
      payableFen: 9_000,
    });
    // elsewhere no member day: the amount is paid, 1×
    const there = await redeem(otherClerk.token, { amountFen: 10_000 });
    expect(there.body).toMatchObject({ memberDayDiscountFen: 0, payableFen: 10_000, pointsEarned: 100 });
    // a threshold coupon is met against what the member day leaves (¥100 − ¥5 < ¥100)
    const full = await f.template({
      title: '满百减十',
      kind: 'amount',
      valueFen: 1_000,
      thresholdFen: 10_000,
    });
    const fullCoupon = await f.claim(m.token, full.id);
    expectEnvelope(
      await redeem(hereClerk.token, { amountFen: 10_000, couponId: fullCoupon.id }),
      422,
      'THRESHOLD_NOT_MET',
    );

    // the reports count the counter amount less the member day (the merchant's report: ¥95)
    expect((await t.api('POST', '/admin/reports/daily-stats/rebuild', { token: admin })).status).toBe(200);
    const today = businessDate(new Date());
    const tomorrow = businessDate(new Date(Date.now() + 86_400_000));
    const report = await t.api(
      'GET',
      `/admin/reports/overview?from=${today}&to=${tomorrow}&merchantId=${here.id}`,
      { token: admin },
    );
    expect(report.status).toBe(200);
    expect(report.body).toMatchObject({ purchases: 1, spendFen: 9_500 });
    // and so do the member's page (spend per merchant, the timeline) and its RFM spend
    const detail = (await t.api('GET', `/admin/members/${m.member.id}`, { token: admin })).body;
    expect(detail.spendByMerchant).toContainEqual({ merchantId: here.id, purchases: 1, spendFen: 9_500 });
    expect(detail.timeline).toContainEqual(
      expect.objectContaining({
        type: 'purchase',
        detail: expect.objectContaining({ redemptionId: onDay.body.id, amountFen: 10_000, paidFen: 9_500 }),
      }),
    );
    expect(detail.rfm).toMatchObject({ spendFen: 19_500 });
    const matching = async (minSpendFen: number) =>
      (
        await t.api('POST', '/admin/segments/preview', {
          token: admin,
          body: { filter: { boughtAtMerchantIds: [here.id], minSpendFen } },
        })
      ).body.count;
    expect([await matching(19_500), await matching(19_501)]).toEqual([1, 0]);

    // the day after: no member day
    t.app.get(Clock).travelTo(new Date('2026-12-13T10:00:00+08:00'));
    expect((await lookup(hereClerk.token)).memberDayDiscount).toBeNull();
    const after = await redeem(hereClerk.token, { amountFen: 10_000 });
    expect(after.body).toMatchObject({ memberDayDiscountFen: 0, payableFen: 10_000, pointsEarned: 100 });

    // voiding the member-day record takes back its points and the ¥90 of tier spend
    const pointsBefore = (await t.api('GET', '/me', { token: m.token })).body.points;
    expect((await voidRecord(onDay.body.id, hereClerk.token)).status).toBe(200);
    expect((await t.api('GET', '/me', { token: m.token })).body.points).toBe(pointsBefore - 180);
    expect(await spendEntries()).toBe(20_000);
    const inv = (await t.api('GET', '/admin/invariants', { token: admin })).body;
    expect(inv.checks.filter((c: any) => !c.ok)).toEqual([]);
  });
});
