import { startTestApp, TestApp, TEST_DB } from './harness';

/** `pnpm start` seeds a demo alliance with activity; its month must settle to zero and keep every invariant. */
describe(`demo alliance (${TEST_DB})`, () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ SEED_DEMO: 'true' });
  });
  afterAll(() => t.close());

  it('seeds merchants, clerks, scenes, offers, a mall and shoppers whose month settles to zero', async () => {
    const admin = (await t.api('POST', '/admin/login', { body: { username: 'admin', password: 'admin123' } }))
      .body.token;
    const merchants = (await t.api('GET', '/admin/merchants', { token: admin })).body;
    expect(merchants.map((m: any) => m.name)).toEqual(['街角咖啡', '麦香烘焙', '知行书店']);
    expect((await t.api('GET', '/scenes/demo-coffee')).body.merchant.name).toBe('街角咖啡');
    // 联盟商户: every demo store has a Shanghai address, coordinates there, hours and a phone.
    const stores = merchants.flatMap((m: any) => m.stores);
    expect(stores.length).toBeGreaterThanOrEqual(4);
    for (const s of stores) {
      expect(s.address).toMatch(/^上海市/);
      expect(s.latitude).toBeGreaterThan(31.1);
      expect(s.latitude).toBeLessThan(31.4);
      expect(s.longitude).toBeGreaterThan(121.3);
      expect(s.longitude).toBeLessThan(121.6);
      expect(s.hoursText).toMatch(/\d\d:\d\d–\d\d:\d\d/);
      expect(s.phone).toMatch(/^021-\d{8}$/);
    }
    expect(
      (await t.api('POST', '/staff/login', { body: { username: 'coffee', password: 'clerk123' } })).status,
    ).toBe(200);

    const report = (await t.api('GET', '/admin/reports/settlement', { token: admin })).body;
    expect(report.balanced).toBe(true);
    expect(report.rows.some((r: any) => r.netFen !== 0)).toBe(true);
    expect((await t.api('GET', '/admin/invariants', { token: admin })).body.ok).toBe(true);

    // The console's member search by phone finds the demo shopper who has one, masked.
    const found = await t.api('GET', '/admin/members?q=13800138000', { token: admin });
    expect(found.status).toBe(200);
    expect(found.body.items.map((m: any) => [m.nickname, m.phoneMasked])).toEqual([['小林', '138****8000']]);

    // A new shopper gets the first-order join gift.
    const code = (await t.http('POST', '/sandbox/wechat/login-code', { body: { openid: 'o_demo_visitor' } }))
      .body.code;
    const joined = await t.api('POST', '/join', { body: { code, scene: 'demo-coffee' } });
    expect(joined.body.coupons.map((c: any) => c.title)).toEqual(['新人首单立减10元']);

    // The referral reward and the mall's coupon are issue-only, active (so they can be issued), and
    // not in 领券中心 (before, they were paused to stay out of it, and so never issued).
    const templates = (await t.api('GET', '/admin/coupon-templates', { token: admin })).body;
    const rule = (await t.api('GET', '/admin/referral-rule', { token: admin })).body;
    const issueOnly = templates.filter((x: any) => x.channel === 'issue_only');
    expect(issueOnly.map((x: any) => [x.title, x.status]).sort()).toEqual([
      ['拉新奖励·无门槛5元', 'active'],
      ['积分兑·无门槛5元', 'active'],
    ]);
    expect(issueOnly.map((x: any) => x.id)).toContain(rule.rewardTemplateId);
    const offered = (await t.api('GET', '/offers', { token: joined.body.token })).body.map((o: any) => o.id);
    for (const x of issueOnly) expect(offered).not.toContain(x.id);

    // Every message kind is set up with the sandbox's template, so a shopper is asked and can allow it.
    const messages = (await t.api('GET', '/admin/message-templates', { token: admin })).body.items;
    expect(messages.map((m: any) => m.kind).sort()).toEqual(
      ['campaign_offer', 'coupon_expiring', 'points_expiring', 'referral_reward', 'tier_upgraded'].sort(),
    );
    const allowed = await t.api('POST', '/me/subscriptions', {
      token: joined.body.token,
      body: { results: { 'sandbox-coupon-expiring': 'accept' } },
    });
    expect(allowed.status).toBe(200);
  });

  it('seeds with an ADMIN_USERNAME written with spaces and capitals: the admin is the stored account', async () => {
    const spaced = await startTestApp({ SEED_DEMO: 'true', ADMIN_USERNAME: '  Boss ' });
    try {
      const login = await spaced.api('POST', '/admin/login', {
        body: { username: 'boss', password: 'admin123' },
      });
      expect(login.status).toBe(200);
      const merchants = (await spaced.api('GET', '/admin/merchants', { token: login.body.token })).body;
      expect(merchants).toHaveLength(3);
    } finally {
      await spaced.close();
    }
  });
});
