import { addBusinessDays, businessDate, parseBusinessDate } from '@allycard/domain';
import { expectEnvelope, factories } from './factories';
import { startTestApp, TestApp, TEST_DB } from './harness';
import { paidOrders } from './paid-orders';

const MINUTE = 60_000;
const DAY = 86_400_000;

/**
 * Reports (issue 11): every overview and funnel figure of a small fixture, computed by hand in the
 * comments, the edge of the period in Asia/Shanghai, the merchant-admin scoping matrix, bad input.
 */
describe(`reports (${TEST_DB})`, () => {
  let t: TestApp;
  let f: ReturnType<typeof factories>;
  let admin: string;
  let shopA: { id: string };
  let shopB: { id: string };
  let adminA: { token: string };
  let adminB: { token: string };
  let qrA: { scene: string };
  let qrB: { scene: string };
  const ids: Record<'m1' | 'm2' | 'm3' | 'm4' | 'm5', string> = {} as never;
  // The period: the 7 business days ending today (Asia/Shanghai); F is its first day.
  const today = businessDate(new Date());
  const F = addBusinessDays(today, -6);
  const T = addBusinessDays(today, 1);
  const fromAt = parseBusinessDate(F)!;

  const get = (path: string, token = admin) => t.api('GET', path, { token });
  const overview = (query: string, token = admin) => get(`/admin/reports/overview?${query}`, token);

  beforeAll(async () => {
    t = await startTestApp();
    f = factories(t);
    const orders = paidOrders(t);
    /** Pays an order of the member at the merchant, then has the merchant's admin refund part of it. */
    const payAndRefund = async (
      member: { token: string },
      merchantId: string,
      boss: { token: string },
      amountFen: number,
      refundFen: number,
    ) => {
      const order = await orders.pay(member.token, { merchantId, amountFen });
      const refund = await t.api('POST', `/staff/orders/${order.id}/refund`, {
        token: boss.token,
        body: { amountFen: refundFen },
      });
      expect(refund.status).toBe(200);
      await orders.settled(member.token, order.id, refundFen);
    };
    admin = await f.adminToken();
    shopA = await f.merchant('报表甲店');
    shopB = await f.merchant('报表乙店');
    adminA = await f.staff(shopA.id, 'merchant_admin');
    adminB = await f.staff(shopB.id, 'merchant_admin');
    const clerkA = await f.staff(shopA.id);
    const clerkB = await f.staff(shopB.id);
    qrA = await f.qrcode(shopA.id, { campaign: 'spring' });
    qrB = await f.qrcode(shopB.id);
    // scans: qrA opened 3 times, qrB once
    for (const scene of [qrA.scene, qrA.scene, qrA.scene, qrB.scene])
      expect((await t.api('GET', `/scenes/${scene}`)).status).toBe(200);

    const shareable = await f.template({ forwardable: true });
    const ofA = await f.template({
      usableAt: 'merchant',
      merchantIds: [shopA.id],
      issuer: { type: 'merchant', merchantId: shopA.id },
    });

    // m1 joins by qrA: first an order at B of ¥80 refunded ¥20, then counter purchases at A of ¥100 and ¥50
    const m1 = await f.member({ scene: qrA.scene });
    await payAndRefund(m1, shopB.id, adminB, 8_000, 2_000);
    await f.purchase(clerkA.token, m1.token, 10_000);
    await f.purchase(clerkA.token, m1.token, 5_000);

    // m2 joins by qrB: an order at A of ¥30, refunded in full; claims A's own coupon (unused)
    const m2 = await f.member({ scene: qrB.scene });
    await payAndRefund(m2, shopA.id, adminA, 3_000, 3_000);
    await f.claim(m2.token, ofA.id);

    // m3 joined directly 10 days before F: orders at B of ¥20 at 23:59 the day before F, ¥40 at 00:01 on F
    const m3 = await f.member();
    await orders.pay(
      m3.token,
      { merchantId: shopB.id, amountFen: 2_000 },
      new Date(fromAt.getTime() - MINUTE),
    );
    await orders.pay(
      m3.token,
      { merchantId: shopB.id, amountFen: 4_000 },
      new Date(fromAt.getTime() + MINUTE),
    );

    // m4 joins by accepting the coupon m1 forwarded, then uses it at B's counter on ¥20
    const coupon = await f.claim(m1.token, shareable.id);
    const share = await t.api('POST', `/me/coupons/${coupon.id}/share`, { token: m1.token });
    const accepted = await t.api('POST', `/shares/${share.body.shareToken}/accept`, {
      body: { code: await f.loginCode(`o_${f.unique()}`) },
    });
    expect(accepted.status).toBe(200);
    await f.purchase(clerkB.token, accepted.body.token, 2_000, coupon.id);

    // m5 joins directly; a counter purchase of ¥9.99 at A is voided: no purchase
    const m5 = await f.member();
    const voided = await f.purchase(clerkA.token, m5.token, 999);
    expect(
      (
        await t.api('POST', `/staff/redemptions/${voided.id}/void`, {
          token: clerkA.token,
          body: { reason: '输错' },
        })
      ).status,
    ).toBe(200);

    Object.assign(ids, {
      m1: m1.member.id,
      m2: m2.member.id,
      m3: m3.member.id,
      m4: accepted.body.member.id,
      m5: m5.member.id,
    });
    const time = (d: Date) => t.dataSource.driver.preparePersistentValue(d, { type: 'datetime' } as never);
    await t.dataSource.query('UPDATE members SET joined_at = ? WHERE id = ?', [
      time(new Date(fromAt.getTime() - 10 * DAY + 12 * 3600_000)),
      ids.m3,
    ]);
    // That join time was set behind the events' back: the daily stats are rebuilt from the tables.
    expect((await t.api('POST', '/admin/reports/daily-stats/rebuild', { token: admin })).status).toBe(200);
  });
  afterAll(() => t.close());

  const zeroDays = (from: string, days: number) =>
    Array.from({ length: days }, (_, i) => ({
      date: addBusinessDays(from, i),
      newMembers: 0,
      activeMembers: 0,
      spendFen: 0,
    }));
  const seriesWith = (from: string, days: number, set: Record<string, object>) =>
    zeroDays(from, days).map((d) => ({ ...d, ...set[d.date] }));

  it('computes the alliance overview by the contract’s definitions', async () => {
    const res = await overview(`from=${F}&to=${T}`);
    expect(res.status).toBe(200);
    // Purchases in [F, T): m1 ¥60 (B: 80 − 20) + ¥100 + ¥50 (A), m2 ¥0 (A: 30 refunded in full),
    // m3 ¥40 (B, 00:01 on F), m4 ¥20 (B, coupon used; the counter amount counts) = 6 purchases, ¥270.
    // The voided ¥9.99 and m3's ¥20 at 23:59 the day before F do not count.
    expect(res.body).toEqual({
      totalMembers: 5,
      newMembers: 4, // m3 joined before F
      activeMembers: 4, // m1, m2, m3, m4
      activationPermille: 800, // 4 × 1000 / 5
      purchases: 6,
      spendFen: 27_000,
      averageTicketFen: 4_500, // 27 000 / 6
      repeatPermille: 250, // m1 alone bought twice or more: 1 × 1000 / 4
      // not the member's first ever: m1's ¥100 and ¥50 (its first was the order), m3's ¥40 (its first
      // was the day before F): 19 000 × 1000 / 27 000 = 703.7…
      secondPurchaseSharePermille: 703,
      // of m1, m2, m4, m5 the first three bought within 7 days of joining: 3 × 1000 / 4
      firstPurchase7dPermille: 750,
      // issued: the forwarded coupon (once, whoever owns it now) and A's; used: the forwarded one
      coupons: { issued: 2, used: 1, usedPermille: 500 },
      // points earned at ¥1 a point on what was paid, less refunds: m1 100 + 50 + 60, m3 20 + 40,
      // m4 15 (¥20 less the ¥5 coupon), m2 0; a point is worth 1 fen
      pointsLiabilityFen: 285,
      tiers: [
        { code: 'normal', members: 5 },
        { code: 'silver', members: 0 },
        { code: 'gold', members: 0 },
        { code: 'diamond', members: 0 },
      ],
      series: seriesWith(F, 7, {
        [F]: { activeMembers: 1, spendFen: 4_000 },
        [today]: { newMembers: 4, activeMembers: 3, spendFen: 23_000 },
      }),
    });
  });

  it('cuts the period at midnight in Asia/Shanghai: 23:59 belongs to the day before, 00:01 to the day', async () => {
    const before = await overview(`from=${addBusinessDays(F, -1)}&to=${F}`);
    expect(before.body).toMatchObject({
      totalMembers: 1, // m3 alone joined before F
      newMembers: 0,
      activeMembers: 1,
      activationPermille: 1000,
      purchases: 1,
      spendFen: 2_000,
      averageTicketFen: 2_000,
      repeatPermille: 0,
      secondPurchaseSharePermille: 0, // it was m3's first
      firstPurchase7dPermille: 0,
      coupons: { issued: 0, used: 0, usedPermille: 0 },
      series: [{ date: addBusinessDays(F, -1), newMembers: 0, activeMembers: 1, spendFen: 2_000 }],
    });
    const first = await overview(`from=${F}&to=${addBusinessDays(F, 1)}`);
    expect(first.body).toMatchObject({
      totalMembers: 1,
      purchases: 1,
      spendFen: 4_000,
      secondPurchaseSharePermille: 1000,
      series: [{ date: F, newMembers: 0, activeMembers: 1, spendFen: 4_000 }],
    });
  });

  it('counts a merchant’s members, purchases, spend and coupons only (alliance filter = its admin)', async () => {
    // A: members who joined (m1) or bought (m1, m2) there; purchases m1 ¥100 + ¥50, m2 ¥0
    const a = {
      totalMembers: 2,
      newMembers: 2,
      activeMembers: 2,
      activationPermille: 1000,
      purchases: 3,
      spendFen: 15_000,
      averageTicketFen: 5_000,
      repeatPermille: 500, // m1: 1 × 1000 / 2
      secondPurchaseSharePermille: 333, // m1's ¥50: 5 000 × 1000 / 15 000
      firstPurchase7dPermille: 1000,
      coupons: { issued: 1, used: 0, usedPermille: 0 }, // A's own coupon, claimed by m2
      tiers: [
        { code: 'normal', members: 2 },
        { code: 'silver', members: 0 },
        { code: 'gold', members: 0 },
        { code: 'diamond', members: 0 },
      ],
      series: seriesWith(F, 7, { [today]: { newMembers: 2, activeMembers: 2, spendFen: 15_000 } }),
    };
    // B: joined m2; bought m1, m3, m4; purchases m1 ¥60, m3 ¥40, m4 ¥20 (m3's ¥20 is before F)
    const b = {
      totalMembers: 4,
      newMembers: 3, // m1, m2, m4
      activeMembers: 3,
      activationPermille: 750,
      purchases: 3,
      spendFen: 12_000,
      averageTicketFen: 4_000,
      repeatPermille: 0, // m3's second purchase at B was before the period
      secondPurchaseSharePermille: 333, // m3's ¥40 was not its first at B: 4 000 × 1000 / 12 000
      firstPurchase7dPermille: 666, // m1 and m4 bought at B within 7 days; m2 never: 2 × 1000 / 3
      coupons: { issued: 0, used: 0, usedPermille: 0 },
      // m1 (60 of its points), m2 0, m3 60, m4 15: every point of the members counted
      pointsLiabilityFen: 285,
      series: seriesWith(F, 7, {
        [F]: { activeMembers: 1, spendFen: 4_000 },
        [today]: { newMembers: 3, activeMembers: 2, spendFen: 8_000 },
      }),
    };
    const asAlliance = await overview(`from=${F}&to=${T}&merchantId=${shopA.id}`);
    expect(asAlliance.body).toMatchObject(a);
    // m1's 210 points and m2's 0
    expect(asAlliance.body.pointsLiabilityFen).toBe(210);
    expect((await overview(`from=${F}&to=${T}`, adminA.token)).body).toEqual(asAlliance.body);
    expect((await overview(`from=${F}&to=${T}&merchantId=${shopA.id}`, adminA.token)).body).toEqual(
      asAlliance.body,
    );
    const bAsAlliance = await overview(`from=${F}&to=${T}&merchantId=${shopB.id}`);
    expect(bAsAlliance.body).toMatchObject(b);
    expect((await overview(`from=${F}&to=${T}`, adminB.token)).body).toEqual(bAsAlliance.body);
  });

  it('never lets a merchant admin read another merchant’s figures', async () => {
    for (const [who, other] of [
      [adminA, shopB],
      [adminB, shopA],
    ] as const) {
      for (const path of ['overview', 'overview.csv'])
        expectEnvelope(
          await get(`/admin/reports/${path}?from=${F}&to=${T}&merchantId=${other.id}`, who.token),
          403,
          'FORBIDDEN',
        );
    }
    const rows = async (token: string) =>
      (await get(`/admin/reports/acquisition?from=${F}&to=${T}`, token)).body.rows;
    expect((await rows(adminA.token)).map((r: any) => r.merchantId)).toEqual([shopA.id]);
    expect((await rows(adminB.token)).map((r: any) => r.merchantId)).toEqual([shopB.id]);
    const csvB = await get(`/admin/reports/overview.csv?from=${F}&to=${T}`, adminB.token);
    expect(csvB.status).toBe(200);
    // B's spend on F and today, never A's ¥150
    expect(String(csvB.body)).toContain(`${today},3,2,80.00`);
    expect(String(csvB.body)).not.toContain('150.00');
  });

  it('answers the acquisition funnel per code, referral and direct join', async () => {
    const res = await get(`/admin/reports/acquisition?from=${F}&to=${T}`);
    expect(res.status).toBe(200);
    const codes = (await get('/admin/qrcodes')).body;
    expect(codes).toHaveLength(2);
    const qrcodeIdOf = async (scene: string) =>
      (await t.dataSource.query('SELECT id FROM qrcodes WHERE scene = ?', [scene]))[0].id;
    expect(res.body.rows).toEqual([
      {
        merchantId: shopA.id,
        qrcodeId: String(await qrcodeIdOf(qrA.scene)),
        campaign: 'spring',
        channel: 'qrcode',
        scans: 3,
        joins: 1, // m1
        firstPurchases: 1,
        repeaters: 1, // m1 bought three times
      },
      {
        merchantId: shopB.id,
        qrcodeId: String(await qrcodeIdOf(qrB.scene)),
        campaign: null,
        channel: 'qrcode',
        scans: 1,
        joins: 1, // m2
        firstPurchases: 1, // m2's refunded order is a purchase
        repeaters: 0,
      },
      // m4, brought by m1's forwarded coupon, bought once
      {
        merchantId: null,
        qrcodeId: null,
        campaign: null,
        channel: 'referral',
        scans: 0,
        joins: 1,
        firstPurchases: 1,
        repeaters: 0,
      },
      // m5 joined in the period and never bought; m3 joined before it and first bought the day before F
      {
        merchantId: null,
        qrcodeId: null,
        campaign: null,
        channel: 'direct',
        scans: 0,
        joins: 1,
        firstPurchases: 0,
        repeaters: 0,
      },
    ]);
    // the day before F: m3's first purchase, nobody joined
    const before = await get(`/admin/reports/acquisition?from=${addBusinessDays(F, -1)}&to=${F}`);
    expect(before.body.rows.find((r: any) => r.channel === 'direct')).toMatchObject({
      joins: 0,
      firstPurchases: 1,
      repeaters: 0,
    });
  });

  it('streams the overview series as CSV and audits the export', async () => {
    const res = await get(`/admin/reports/overview.csv?from=${F}&to=${T}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/csv');
    const lines = String(res.body)
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    expect(lines[0]).toBe('日期,新增会员,活跃会员,消费金额(元)');
    expect(lines).toHaveLength(8);
    expect(lines[1]).toBe(`${F},0,1,40.00`);
    expect(lines[7]).toBe(`${today},4,3,230.00`);
    const log = await get('/admin/audit-log');
    expect(log.body.items[0]).toMatchObject({
      action: 'reports_export',
      detail: { from: F, to: T, merchantId: null },
    });
  });

  it('counts every one of racing openings of a scene', async () => {
    const qrC = await f.qrcode(shopA.id, { campaign: 'rush' });
    const opened = await Promise.all(Array.from({ length: 12 }, () => t.api('GET', `/scenes/${qrC.scene}`)));
    expect(opened.map((r) => r.status)).toEqual(Array(12).fill(200));
    // an unknown scene counts nowhere
    expect((await t.api('GET', '/scenes/unknownscene1')).status).toBe(404);
    const rows = (await get(`/admin/reports/acquisition?from=${F}&to=${T}`)).body.rows;
    expect(rows.find((r: any) => r.campaign === 'rush')).toMatchObject({
      merchantId: shopA.id,
      scans: 12,
      joins: 0,
    });
    expect(rows.reduce((sum: number, r: any) => sum + r.scans, 0)).toBe(3 + 1 + 12);
  });

  it('answers bad input with the error envelope, never a 5xx', async () => {
    const cases: [string, number, string][] = [
      ['', 400, 'VALIDATION_FAILED'],
      [`from=${F}`, 400, 'VALIDATION_FAILED'],
      [`from=2026-02-30&to=2026-03-05`, 400, 'VALIDATION_FAILED'],
      [`from=2026-1-01&to=2026-03-05`, 400, 'VALIDATION_FAILED'],
      [`from=${F}&to=${F}`, 400, 'VALIDATION_FAILED'],
      [`from=${T}&to=${F}`, 400, 'VALIDATION_FAILED'],
      [`from=2020-01-01&to=2023-01-02`, 400, 'VALIDATION_FAILED'], // 1097 days
      [`from=${F}&to=${T}&limit=5`, 400, 'VALIDATION_FAILED'],
      [`from=${F}&to=${T}&from=${F}`, 400, 'VALIDATION_FAILED'],
      [`from=${F}&to=${T}&merchantId=abc`, 400, 'VALIDATION_FAILED'],
      [`from=${F}&to=${T}&merchantId=999999999`, 404, 'NOT_FOUND'],
    ];
    for (const path of ['overview', 'overview.csv'])
      for (const [query, status, code] of cases)
        expectEnvelope(await get(`/admin/reports/${path}?${query}`), status, code);
    // exactly 1096 days is allowed
    expect((await overview('from=2020-01-01&to=2023-01-01')).status).toBe(200);
    for (const query of ['', `from=${F}&to=${T}&merchantId=${shopA.id}`, `from=${F}&to=2026-13-01`])
      expectEnvelope(await get(`/admin/reports/acquisition?${query}`), 400, 'VALIDATION_FAILED');
    // another alliance's merchant reads as unknown: made straight in the database, as no API makes a
    // second alliance
    const [{ id: otherAlliance }] = await t.dataSource.query('SELECT MAX(id) + 1 AS id FROM alliances');
    await t.dataSource.query(
      `INSERT INTO merchants (alliance_id, name, created_at) VALUES (?, '别家联盟的店', '2026-01-01 00:00:00.000')`,
      [otherAlliance],
    );
    const [{ id: foreign }] = await t.dataSource.query(`SELECT id FROM merchants WHERE alliance_id = ?`, [
      otherAlliance,
    ]);
    expectEnvelope(await overview(`from=${F}&to=${T}&merchantId=${foreign}`), 404, 'NOT_FOUND');
    // members and clerks may not read reports at all
    const clerk = await f.staff(shopA.id);
    expectEnvelope(await overview(`from=${F}&to=${T}`, clerk.token), 403);
    const member = await f.member();
    expectEnvelope(await overview(`from=${F}&to=${T}`, member.token), 403);
    expectEnvelope(await overview(`from=${F}&to=${T}`, ''), 401);
  });
});
