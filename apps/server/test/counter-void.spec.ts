import { COUNTER_VOID_ADMIN_WINDOW_MS, COUNTER_VOID_CLERK_WINDOW_MS } from '@allycard/domain';
import { expectEnvelope, factories } from './factories';
import { startTestApp, TestApp, TEST_DB } from './harness';

/**
 * Voiding a counter record (issue 14 item 4): a clerk typed ¥3680 for ¥368. The void reverses every
 * effect of the record exactly, in one transaction; a discount coupon needs the amount.
 */
describe(`voiding a counter record (${TEST_DB})`, () => {
  let t: TestApp;
  let f: ReturnType<typeof factories>;
  let merchant: { id: string; name: string };
  let clerk: { token: string; username: string };
  let manager: { token: string; username: string };
  let otherClerk: { token: string };

  beforeAll(async () => {
    t = await startTestApp();
    f = factories(t);
    merchant = await f.merchant();
    clerk = await f.staff(merchant.id);
    manager = await f.staff(merchant.id, 'merchant_admin');
    otherClerk = await f.staff((await f.merchant()).id);
  });
  afterAll(() => t.close());

  const admin = () => f.adminToken();
  const voidRecord = (token: string, id: string, body: unknown = { reason: '金额输错' }) =>
    t.api('POST', `/staff/redemptions/${id}/void`, { token, body });
  const me = async (token: string) => (await t.api('GET', '/me', { token })).body;
  const couponOf = async (memberToken: string, id: string) =>
    (await t.api('GET', '/me/coupons', { token: memberToken })).body.find((c: any) => c.id === id);
  const dailyTotal = async (memberId: string) => {
    const rows = await t.dataSource.query(
      'SELECT total_fen FROM counter_daily_totals WHERE member_id = ? AND merchant_id = ?',
      [memberId, merchant.id],
    );
    return rows.reduce((s: number, r: { total_fen: string | number }) => s + Number(r.total_fen), 0);
  };
  const settlementRow = async () => {
    const report = (await t.api('GET', '/admin/reports/settlement', { token: await admin() })).body;
    return { balanced: report.balanced, row: report.rows.find((r: any) => r.merchantId === merchant.id) };
  };
  const invariants = async () => (await t.api('GET', '/admin/invariants', { token: await admin() })).body;
  /** Moves a record back in time, as if recorded `ms` ago. */
  const recordedAgo = (id: string, ms: number) =>
    t.dataSource.query('UPDATE redemptions SET created_at = ? WHERE id = ?', [
      t.dataSource.driver.preparePersistentValue(new Date(Date.now() - ms), { type: 'datetime' } as never),
      id,
    ]);

  it('reverses points, tier spend, the coupon, the day total and settlement exactly, and can be re-recorded', async () => {
    const template = await f.template({ kind: 'amount', valueFen: 2000, thresholdFen: 10_000 });
    const m = await f.member();
    const coupon = await f.claim(m.token, template.id);
    const before = await me(m.token);
    expect(before.tier.code).toBe('normal');

    // ¥3680 typed for ¥368: gold tier (spend ≥ ¥3000) and 3660 points at once
    const typo = await f.purchase(clerk.token, m.token, 368_000, coupon.id);
    expect(typo).toMatchObject({ couponDiscountFen: 2000, pointsEarned: 3660, firstPurchase: true });
    expect(await me(m.token)).toMatchObject({ points: 3660, tier: { code: 'gold' } });
    expect(await dailyTotal(m.member.id)).toBe(368_000);
    expect((await settlementRow()).row.couponsRedeemedHereFen).toBe(2000);

    const listed = (await t.api('GET', '/staff/redemptions?day=today', { token: clerk.token })).body;
    const row = listed.items.find((r: any) => r.id === typo.id);
    expect(row).toMatchObject({
      amountFen: 368_000,
      payableFen: 366_000,
      pointsEarned: 3660,
      coupon: { id: coupon.id, title: template.title },
      staffUsername: clerk.username,
      voided: null,
      voidableUntil: expect.any(String),
    });
    expect(row.cardNoMasked).toMatch(/^\d{4} \*{4} \*{4} \d{4}$/);

    const voided = await voidRecord(clerk.token, typo.id, { reason: '  金额输错，应为 ¥368  ' });
    expect(voided.status).toBe(200);
    expect(voided.body).toMatchObject({
      id: typo.id,
      voidableUntil: null,
      voided: {
        reason: '金额输错，应为 ¥368',
        byUsername: clerk.username,
        pointsReversed: 3660,
        couponReturned: true,
      },
    });

    const after = await me(m.token);
    expect(after).toMatchObject({ points: 0, tier: { code: 'normal' } });
    expect(after.tierProgress.spendFen).toBe(before.tierProgress.spendFen);
    expect(await couponOf(m.token, coupon.id)).toMatchObject({ status: 'available' });
    expect(await dailyTotal(m.member.id)).toBe(0);
    const settled = await settlementRow();
    expect(settled.balanced).toBe(true);
    expect(settled.row).toMatchObject({ couponsRedeemedHereFen: 0, pointsNet: 0, netFen: 0 });
    const history = (await t.api('GET', '/me/points/history', { token: m.token })).body;
    expect(history.map((p: any) => p.amount ?? p.points)).toEqual(expect.arrayContaining([3660, -3660]));
    expect(await invariants()).toMatchObject({ ok: true });
    const [audit] = await t.dataSource.query(
      "SELECT actor_id, member_id, reason, detail FROM audit_log WHERE action = 'counter_void'",
    );
    expect(String(audit.member_id)).toBe(m.member.id);
    expect(audit.reason).toBe('金额输错，应为 ¥368');
    expect(JSON.parse(audit.detail)).toMatchObject({ redemptionId: typo.id, pointsReversed: 3660 });

    // the right amount, with the coupon that came back
    const right = await f.purchase(clerk.token, m.token, 36_800, coupon.id);
    expect(right).toMatchObject({ couponDiscountFen: 2000, pointsEarned: 348, firstPurchase: false });
    expect(await me(m.token)).toMatchObject({ points: 348, tier: { code: 'normal' } });
    expect(await dailyTotal(m.member.id)).toBe(36_800);

    // a second void (a replay, another tap) changes nothing
    expectEnvelope(await voidRecord(clerk.token, typo.id), 409, 'ALREADY_VOIDED');
    expectEnvelope(await voidRecord(manager.token, typo.id), 409, 'ALREADY_VOIDED');
    expect(await me(m.token)).toMatchObject({ points: 348 });
    const today = (await t.api('GET', '/staff/redemptions', { token: manager.token })).body.items;
    expect(today.map((r: any) => [r.id, r.voided?.reason ?? null])).toEqual([
      [right.id, null],
      [typo.id, '金额输错，应为 ¥368'],
    ]);
    expect(await invariants()).toMatchObject({ ok: true });
  });

  it('takes back only what is left when the member spent the points, as a refund does', async () => {
    const m = await f.member();
    const typo = await f.purchase(clerk.token, m.token, 300_000);
    expect(typo.pointsEarned).toBe(3000);
    const item = await f.mallItem({ pointsPrice: 2500, merchantId: merchant.id });
    const spent = await t.api('POST', `/mall/items/${item.id}/redeem`, {
      token: m.token,
      body: { quantity: 1 },
    });
    expect(spent.status).toBe(201);
    const voided = await voidRecord(manager.token, typo.id);
    expect(voided.body.voided).toMatchObject({ pointsReversed: 500, couponReturned: false });
    expect(await me(m.token)).toMatchObject({ points: 0, tier: { code: 'normal' } });
    expect(await invariants()).toMatchObject({ ok: true });
    expect((await settlementRow()).balanced).toBe(true);
  });

  it('keeps a first purchase made: its first-order coupon stays used; invariants hold', async () => {
    const gift = await f.template({ valueFen: 1000, firstOrderOnly: true, audience: 'new_members' });
    const m = await f.member();
    const coupon = await f.claim(m.token, gift.id);
    const first = await f.purchase(clerk.token, m.token, 5000, coupon.id);
    expect(first).toMatchObject({ firstPurchase: true, couponDiscountFen: 1000, pointsEarned: 40 });
    const voided = await voidRecord(clerk.token, first.id);
    expect(voided.body.voided).toMatchObject({ pointsReversed: 40, couponReturned: false });
    expect(voided.body.coupon).toMatchObject({ id: coupon.id });
    expect(await me(m.token)).toMatchObject({ points: 0 });
    expect(await invariants()).toMatchObject({ ok: true });
    // the right purchase is a purchase like any other
    expect(await f.purchase(clerk.token, m.token, 4000)).toMatchObject({
      firstPurchase: false,
      pointsEarned: 40,
    });
  });

  it('withdraws the referrer’s reward when the voided record was the friend’s only purchase', async () => {
    const reward = await f.template({ title: '拉新奖励券', stock: 10 });
    await t.api('PUT', '/admin/referral-rule', {
      token: await admin(),
      body: { rewardTemplateId: reward.id, rewardPoints: 30 },
    });
    try {
      const sender = await f.member();
      const shared = await f.claim(sender.token, (await f.template({ forwardable: true })).id);
      const share = await t.api('POST', `/me/coupons/${shared.id}/share`, { token: sender.token });
      const friend = await t.api('POST', `/shares/${share.body.shareToken}/accept`, {
        body: { code: await f.loginCode(`o_${f.unique()}`) },
      });
      const rewardStatuses = async () =>
        (await t.api('GET', '/me/coupons', { token: sender.token })).body
          .filter((c: any) => c.templateId === reward.id)
          .map((c: any) => c.status);
      const first = await f.purchase(clerk.token, friend.body.token, 5000);
      expect(first.firstPurchase).toBe(true);
      expect(await rewardStatuses()).toEqual(['available']);
      expect(await me(sender.token)).toMatchObject({ points: 30 });

      await voidRecord(clerk.token, first.id);
      expect(await rewardStatuses()).toEqual(['expired']);
      expect(await me(sender.token)).toMatchObject({ points: 0 });
      expect(await me(friend.body.token)).toMatchObject({ points: 0 });
      // the right purchase does not reward again (the friend's first purchase stays the voided one)
      expect(await f.purchase(clerk.token, friend.body.token, 500)).toMatchObject({ firstPurchase: false });
      expect(await me(sender.token)).toMatchObject({ points: 0 });
      expect(await invariants()).toMatchObject({ ok: true });
    } finally {
      await t.api('PUT', '/admin/referral-rule', {
        token: await admin(),
        body: { rewardTemplateId: null, rewardPoints: 0 },
      });
    }
  });

  it('keeps the referrer’s reward when the friend bought something else too', async () => {
    await t.api('PUT', '/admin/referral-rule', {
      token: await admin(),
      body: { rewardTemplateId: null, rewardPoints: 30 },
    });
    try {
      const sender = await f.member();
      const shared = await f.claim(sender.token, (await f.template({ forwardable: true })).id);
      const share = await t.api('POST', `/me/coupons/${shared.id}/share`, { token: sender.token });
      const friend = await t.api('POST', `/shares/${share.body.shareToken}/accept`, {
        body: { code: await f.loginCode(`o_${f.unique()}`) },
      });
      const first = await f.purchase(clerk.token, friend.body.token, 5000);
      await f.purchase(clerk.token, friend.body.token, 800);
      expect(await me(sender.token)).toMatchObject({ points: 30 });
      await voidRecord(clerk.token, first.id);
      expect(await me(sender.token)).toMatchObject({ points: 30 });
      expect(await me(friend.body.token)).toMatchObject({ points: 8 });
    } finally {
      await t.api('PUT', '/admin/referral-rule', {
        token: await admin(),
        body: { rewardTemplateId: null, rewardPoints: 0 },
      });
    }
  });

  it('lets a clerk void for 30 minutes, the merchant admin for 7 days, nobody after', async () => {
    const m = await f.member();
    const r = await f.purchase(clerk.token, m.token, 8800);
    await recordedAgo(r.id, COUNTER_VOID_CLERK_WINDOW_MS + 60_000);
    const list = (await t.api('GET', '/staff/redemptions', { token: clerk.token })).body.items;
    expect(list.find((x: any) => x.id === r.id)?.voidableUntil ?? null).toBeNull();
    const late = await voidRecord(clerk.token, r.id);
    expectEnvelope(late, 403, 'APPROVAL_REQUIRED');
    expect(late.body.error.message).toBe('超过30分钟的记录需由店长撤销');
    expect(await me(m.token)).toMatchObject({ points: 88 });
    expect((await voidRecord(manager.token, r.id)).status).toBe(200);
    expect(await me(m.token)).toMatchObject({ points: 0 });

    const old = await f.purchase(clerk.token, m.token, 9900);
    await recordedAgo(old.id, COUNTER_VOID_ADMIN_WINDOW_MS + 60_000);
    expectEnvelope(await voidRecord(manager.token, old.id), 409, 'VOID_WINDOW_PASSED');
    expectEnvelope(await voidRecord(clerk.token, old.id), 409, 'VOID_WINDOW_PASSED');
    expect(await me(m.token)).toMatchObject({ points: 99 });
  });

  it('never reveals another merchant’s record and refuses bad input with the envelope', async () => {
    const m = await f.member();
    const r = await f.purchase(clerk.token, m.token, 1200);
    expectEnvelope(await voidRecord(otherClerk.token, r.id), 404, 'NOT_FOUND');
    expect(
      (await t.api('GET', '/staff/redemptions', { token: otherClerk.token })).body.items.map(
        (x: any) => x.id,
      ),
    ).not.toContain(r.id);
    for (const id of ['abc', '1e3', '-1', '99999999999999999999', '0'])
      expectEnvelope(await voidRecord(clerk.token, id), 404, 'NOT_FOUND');
    for (const body of [
      {},
      { reason: '' },
      { reason: '   ' },
      { reason: 42 },
      { reason: null },
      { reason: ['金额输错'] },
      { reason: 'x'.repeat(101) },
      { reason: '金额输错', extra: 1 },
    ])
      expectEnvelope(await voidRecord(clerk.token, r.id, body), 400, 'VALIDATION_FAILED');
    const raw = await t.api('POST', `/staff/redemptions/${r.id}/void`, {
      token: clerk.token,
      raw: '{"reason":',
    });
    expect(raw.status).toBe(400);
    expectEnvelope(await voidRecord(m.token, r.id), 403, 'FORBIDDEN');
    expectEnvelope(await t.api('POST', `/staff/redemptions/${r.id}/void`, { body: { reason: 'x' } }), 401);
    expectEnvelope(
      await t.api('GET', '/staff/redemptions?day=yesterday', { token: clerk.token }),
      400,
      'VALIDATION_FAILED',
    );
    expect(await me(m.token)).toMatchObject({ points: 12 });
  });

  it('answers who is signed in where', async () => {
    expect((await t.api('GET', '/staff/me', { token: clerk.token })).body).toEqual({
      id: expect.any(String),
      username: clerk.username,
      role: 'clerk',
      merchantId: merchant.id,
      merchantName: merchant.name,
    });
    expect((await t.api('GET', '/staff/me', { token: manager.token })).body.role).toBe('merchant_admin');
  });

  it('refuses a discount coupon without the amount (AMOUNT_REQUIRED), changing nothing', async () => {
    const discount = await f.template({
      kind: 'discount',
      valueFen: undefined,
      discountPermille: 850,
      thresholdFen: 0,
    });
    const threshold = await f.template({ kind: 'amount', valueFen: 500, thresholdFen: 5000 });
    const m = await f.member();
    const d = await f.claim(m.token, discount.id);
    const th = await f.claim(m.token, threshold.id);
    const redeem = async (couponId: string, amountFen?: number) =>
      t.api('POST', '/staff/redemptions', {
        token: clerk.token,
        body: { memberCode: await f.memberCode(m.token), couponId, ...(amountFen && { amountFen }) },
      });
    const refused = await redeem(d.id);
    expectEnvelope(refused, 422, 'AMOUNT_REQUIRED');
    expect(refused.body.error.message).toBe('折扣券需要填写消费金额');
    expectEnvelope(await redeem(th.id), 422, 'AMOUNT_REQUIRED');
    expect(await couponOf(m.token, d.id)).toMatchObject({ status: 'available' });
    expect(await couponOf(m.token, th.id)).toMatchObject({ status: 'available' });
    const used = await redeem(d.id, 10_000);
    expect(used.status).toBe(201);
    expect(used.body).toMatchObject({ couponDiscountFen: 1500, payableFen: 8500 });
  });
});
