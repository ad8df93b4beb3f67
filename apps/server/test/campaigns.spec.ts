import { CampaignRunner } from '../src/campaigns/campaign-runner.service';
import { Clock } from '../src/common/clock';
import { SANDBOX_MESSAGE_TEMPLATES } from '../src/messages/sandbox-templates';
import { OutboxDispatcher } from '../src/outbox/outbox.dispatcher';
import { expectEnvelope, factories } from './factories';
import { startTestApp, TestApp, TEST_DB } from './harness';

const DAY_MS = 86_400_000;

/** Campaigns on a frozen audience with a holdout: create, launch, batches, pause, cancel, report (issue 12). */
describe(`campaigns (${TEST_DB})`, () => {
  let t: TestApp;
  let f: ReturnType<typeof factories>;
  let admin: string;
  let shop: { id: string };
  let clerk: { token: string };
  let shopAdmin: { token: string };
  let dormant: { id: string };
  const members: { openid: string; token: string; member: { id: string } }[] = [];

  const runner = () => t.app.get(CampaignRunner);
  const post = (path: string, body?: unknown, token = admin) => t.api('POST', path, { token, body });
  const campaignBody = (templateId: string, extra: Record<string, unknown> = {}) => ({
    name: '沉睡唤醒',
    segmentId: dormant.id,
    action: { type: 'coupon', templateId },
    holdoutPermille: 200,
    ...extra,
  });
  const couponsOf = async (campaignId: string, templateId: string) =>
    (
      await t.dataSource.query(
        `SELECT t.holdout, (SELECT COUNT(*) FROM coupons c WHERE c.member_id = t.member_id AND c.template_id = ?) AS n
         FROM campaign_targets t WHERE t.campaign_id = ?`,
        [templateId, campaignId],
      )
    ).map((r: any) => ({ holdout: Boolean(Number(r.holdout)), n: Number(r.n) }));

  /** A counter purchase dated at the moved clock (the counter stamps the system time). */
  const purchaseNow = async (memberToken: string, amountFen: number, couponId?: string) => {
    const made = await f.purchase(clerk.token, memberToken, amountFen, couponId);
    await t.dataSource.query(`UPDATE redemptions SET created_at = ? WHERE id = ?`, [
      t.dataSource.driver.preparePersistentValue(t.app.get(Clock).now(), { type: 'datetime' } as never),
      made.id,
    ]);
  };

  beforeAll(async () => {
    t = await startTestApp();
    f = factories(t);
    admin = await f.adminToken();
    shop = await f.merchant();
    clerk = await f.staff(shop.id);
    shopAdmin = await f.staff(shop.id, 'merchant_admin');
    for (let i = 0; i < 10; i++) {
      const m = await f.member();
      await f.purchase(clerk.token, m.token, 1_000);
      members.push(m);
    }
    await f.member(); // never bought: not in the segment
    t.app.get(Clock).travelTo(new Date(Date.now() + 70 * DAY_MS));
    const saved = await post('/admin/segments', { name: '沉睡会员', filter: { lifecycle: ['dormant'] } });
    expect(saved.body.count).toBe(10);
    dormant = saved.body;
  });
  afterAll(() => t.close());

  it('lets one of two racing launches through, and refuses to launch a cancelled campaign', async () => {
    const template = await f.template({ channel: 'issue_only', stock: 50 });
    const { body } = await post('/admin/campaigns', campaignBody(template.id, { holdoutPermille: 0 }));
    const answers = await Promise.all([1, 2, 3].map(() => post(`/admin/campaigns/${body.id}/launch`)));
    expect(answers.map((a) => a.status).sort()).toEqual([202, 409, 409]);
    const [{ n }] = await t.dataSource.query(
      `SELECT COUNT(*) AS n FROM campaign_targets WHERE campaign_id = ?`,
      [body.id],
    );
    expect(Number(n)).toBe(10);

    const other = (await post('/admin/campaigns', campaignBody(template.id))).body;
    expect((await post(`/admin/campaigns/${other.id}/cancel`)).body.status).toBe('cancelled');
    expectEnvelope(await post(`/admin/campaigns/${other.id}/launch`), 409, 'CAMPAIGN_STATE_CONFLICT');
    expectEnvelope(await post(`/admin/campaigns/${other.id}/pause`), 409, 'CAMPAIGN_STATE_CONFLICT');
  });

  it('stops at a pause and goes on after resume; a cancel stops it for good', async () => {
    const template = await f.template({ channel: 'issue_only', stock: 50 });
    const { body } = await post('/admin/campaigns', campaignBody(template.id, { holdoutPermille: 0 }));
    await post(`/admin/campaigns/${body.id}/launch`);
    await runner().runBatch(body.id, 4);
    expect((await post(`/admin/campaigns/${body.id}/pause`)).body).toMatchObject({
      status: 'paused',
      processed: 4,
    });
    await runner().runDue();
    expect((await t.api('GET', `/admin/campaigns/${body.id}`, { token: admin })).body.processed).toBe(4);
    expect((await post(`/admin/campaigns/${body.id}/resume`)).body.status).toBe('running');
    await runner().runBatch(body.id, 2);
    expect((await post(`/admin/campaigns/${body.id}/cancel`)).body).toMatchObject({
      status: 'cancelled',
      processed: 6,
    });
    await runner().runDue();
    expect((await t.api('GET', `/admin/campaigns/${body.id}/report`, { token: admin })).body.issued).toBe(6);
  });

  it('keeps stock and the per-member limit: out of stock and already-held targets are skipped', async () => {
    const template = await f.template({ channel: 'centre', stock: 6, perMemberLimit: 1 });
    await f.claim(members[0].token, template.id);
    const { body } = await post('/admin/campaigns', campaignBody(template.id, { holdoutPermille: 0 }));
    await post(`/admin/campaigns/${body.id}/launch`);
    await runner().runDue();
    const report = (await t.api('GET', `/admin/campaigns/${body.id}/report`, { token: admin })).body;
    // 1 claimed + 5 issued = stock 6; member 0 already held its one
    expect(report).toMatchObject({ targeted: 10, issued: 5 });
    const [{ issued, n }] = await t.dataSource.query(
      `SELECT t.issued, (SELECT COUNT(*) FROM coupons c WHERE c.template_id = t.id) AS n FROM coupon_templates t WHERE t.id = ?`,
      [template.id],
    );
    expect([Number(issued), Number(n)]).toEqual([6, 6]);
    const reasons = await t.dataSource.query(
      `SELECT skip_reason, COUNT(*) AS n FROM campaign_targets WHERE campaign_id = ? AND status = 'skipped' GROUP BY skip_reason ORDER BY skip_reason`,
      [body.id],
    );
    expect(reasons.map((r: any) => [r.skip_reason, Number(r.n)])).toEqual([
      ['limit_reached', 1],
      ['out_of_stock', 4],
    ]);
    expect((await t.api('GET', '/admin/invariants', { token: admin })).body.ok).toBe(true);
  });

  it('keeps the per-member limit and the stock when the members claim while the batches run', async () => {
    const template = await f.template({ channel: 'centre', stock: 100, perMemberLimit: 1 });
    const { body } = await post('/admin/campaigns', campaignBody(template.id, { holdoutPermille: 0 }));
    await post(`/admin/campaigns/${body.id}/launch`);
    // every member claims the same template while the runner gives it to them in batches
    const claims = members.map((m) => t.api('POST', `/offers/${template.id}/claim`, { token: m.token }));
    await Promise.all([runner().runDue(), ...claims]);
    await runner().runDue();
    const given = await couponsOf(body.id, template.id);
    expect(given).toEqual(Array(10).fill({ holdout: false, n: 1 }));
    const states = await t.dataSource.query(
      `SELECT status, skip_reason, COUNT(*) AS n FROM campaign_targets WHERE campaign_id = ? GROUP BY status, skip_reason`,
      [body.id],
    );
    const byState = Object.fromEntries(states.map((r: any) => [`${r.status}:${r.skip_reason}`, Number(r.n)]));
    const claimed = (await Promise.all(claims)).filter((r) => r.status === 201).length;
    expect(byState['issued:null'] ?? 0).toBe(10 - claimed);
    expect(byState['skipped:limit_reached'] ?? 0).toBe(claimed);
    const [{ issued }] = await t.dataSource.query(`SELECT issued FROM coupon_templates WHERE id = ?`, [
      template.id,
    ]);
    expect(Number(issued)).toBe(10);
    expect((await t.api('GET', '/admin/invariants', { token: admin })).body.ok).toBe(true);
  });

  it('grants merchant-funded points that appear in the settlement, which still sums to zero', async () => {
    // the campaign posts at the moved clock: a period around it holds its points only
    const since = new Date(t.app.get(Clock).now().getTime() - 1000).toISOString();
    const until = new Date(t.app.get(Clock).now().getTime() + DAY_MS).toISOString();
    const { body } = await post('/admin/campaigns', {
      ...campaignBody('0', { holdoutPermille: 100 }),
      action: { type: 'points', points: 50, fundedBy: { type: 'merchant', merchantId: shop.id } },
    });
    expect(body.status).toBe('draft');
    await post(`/admin/campaigns/${body.id}/launch`);
    await runner().runDue();
    const report = (await t.api('GET', `/admin/campaigns/${body.id}/report`, { token: admin })).body;
    // 9 targets × 50 points × 1 fen
    expect(report).toMatchObject({ targeted: 9, holdout: 1, issued: 9, costFen: 9 * 50 });
    const settlement = await t.api(
      'GET',
      `/admin/reports/settlement?from=${encodeURIComponent(since)}&to=${encodeURIComponent(until)}`,
      { token: admin },
    );
    expect(settlement.status).toBe(200);
    expect(settlement.body.balanced).toBe(true);
    const row = settlement.body.rows.find((r: any) => r.party === 'merchant' && r.merchantId === shop.id);
    expect(row).toMatchObject({ pointsFunded: 9 * 50, pointsRedeemed: 0 });
    expect((await t.api('GET', '/admin/invariants', { token: admin })).body.ok).toBe(true);
  });

  it('messages each target holding a subscription exactly once, with its gift; the others and the holdout get none', async () => {
    const offer = 'sandbox-campaign-offer';
    const put = await t.api('PUT', '/admin/message-templates', {
      token: admin,
      body: { templates: SANDBOX_MESSAGE_TEMPLATES.filter((setting) => setting.templateId === offer) },
    });
    expect(put.status).toBe(200);
    const subscribed = members.slice(0, 4);
    for (const m of subscribed) {
      const res = await t.api('POST', '/me/subscriptions', {
        token: m.token,
        body: { results: { [offer]: 'accept' } },
      });
      expect(res.status).toBe(200);
    }
    // noon in Shanghai on the moved day: outside the quiet hours whenever the suite runs
    const moved = t.app.get(Clock).now();
    const noon = new Date(
      `${new Date(moved.getTime() + 8 * 3600_000).toISOString().slice(0, 10)}T12:00:00+08:00`,
    );
    t.app.get(Clock).travelTo(noon);
    const data = {
      thing1: { value: '沉睡唤醒' },
      thing2: { value: '30 积分' },
      thing3: { value: '回来看看吧' },
    };
    const { body } = await post('/admin/campaigns', {
      ...campaignBody('0', { holdoutPermille: 200 }),
      action: { type: 'points', points: 30, fundedBy: { type: 'alliance' } },
      message: { templateId: offer, page: 'points/history/index', data },
    });
    expect(body.status).toBe('draft');
    expect((await post(`/admin/campaigns/${body.id}/launch`)).status).toBe(202);
    await runner().runDue();
    await runner().runDue(); // a second pass finds nothing more to send
    await t.app.get(OutboxDispatcher).dispatchDue(t.app.get(Clock).now());

    const targets = await t.dataSource.query(
      'SELECT member_id, holdout, messaged_at FROM campaign_targets WHERE campaign_id = ?',
      [body.id],
    );
    const held = new Set(
      targets.filter((r: any) => Boolean(Number(r.holdout))).map((r: any) => String(r.member_id)),
    );
    let expected = 0;
    for (const m of members) {
      const inbox = (await t.http('GET', `/sandbox/wechat/messages?openid=${m.openid}`)).body.items.filter(
        (x: any) => x.templateId === offer,
      );
      const reached = subscribed.includes(m) && !held.has(String(m.member.id));
      if (reached) expected += 1;
      expect({ member: m.member.id, messages: inbox.length }).toEqual({
        member: m.member.id,
        messages: reached ? 1 : 0,
      });
      if (reached) expect(inbox[0]).toMatchObject({ page: 'points/history/index', data });
    }
    const report = (await t.api('GET', `/admin/campaigns/${body.id}/report`, { token: admin })).body;
    expect(report).toMatchObject({ targeted: 8, holdout: 2, issued: 8, messaged: expected });
    expect(targets.filter((r: any) => r.messaged_at !== null)).toHaveLength(expected);
  });

  it('refuses bad campaigns with 4xx and creates nothing: other alliances, wrong fields, merchant scope', async () => {
    const template = await f.template({ channel: 'issue_only' });
    const foreign = await f.template({ channel: 'issue_only' });
    const [{ id: otherAlliance }] = await t.dataSource.query(`SELECT MAX(id) + 1 AS id FROM alliances`);
    await t.dataSource.query(`UPDATE coupon_templates SET alliance_id = ? WHERE id = ?`, [
      otherAlliance,
      foreign.id,
    ]);
    await t.dataSource.query(
      `INSERT INTO segments (alliance_id, merchant_id, name, filter, created_by, created_at) VALUES (?, NULL, 'x', '{}', 1, ?)`,
      [otherAlliance, t.dataSource.driver.preparePersistentValue(new Date(), { type: 'datetime' } as never)],
    );
    const [{ id: foreignSegment }] = await t.dataSource.query(`SELECT MAX(id) AS id FROM segments`);
    const [{ n: before }] = await t.dataSource.query(`SELECT COUNT(*) AS n FROM campaigns`);
    const cases: [unknown, number, string][] = [
      [campaignBody(foreign.id), 404, 'NOT_FOUND'],
      [campaignBody(template.id, { segmentId: String(foreignSegment) }), 404, 'NOT_FOUND'],
      [campaignBody(template.id, { holdoutPermille: 1001 }), 400, 'VALIDATION_FAILED'],
      [campaignBody(template.id, { holdoutPermille: -1 }), 400, 'VALIDATION_FAILED'],
      [campaignBody(template.id, { extra: 1 }), 400, 'VALIDATION_FAILED'],
      [{ ...campaignBody(template.id), action: { type: 'coupon' } }, 400, 'VALIDATION_FAILED'],
      [
        { ...campaignBody(template.id), action: { type: 'coupon', templateId: template.id, points: 5 } },
        400,
        'VALIDATION_FAILED',
      ],
      [{ ...campaignBody(template.id), action: { type: 'sms' } }, 400, 'VALIDATION_FAILED'],
      [
        {
          ...campaignBody(template.id),
          action: { type: 'points', points: 0, fundedBy: { type: 'alliance' } },
        },
        400,
        'VALIDATION_FAILED',
      ],
      [{ ...campaignBody(template.id), action: { type: 'points', points: 5 } }, 400, 'VALIDATION_FAILED'],
      [
        {
          ...campaignBody(template.id),
          action: { type: 'points', points: 5, fundedBy: { type: 'merchant' } },
        },
        400,
        'VALIDATION_FAILED',
      ],
      [
        {
          ...campaignBody(template.id),
          action: { type: 'points', points: 5, fundedBy: { type: 'merchant', merchantId: '999999' } },
        },
        404,
        'NOT_FOUND',
      ],
      [
        campaignBody(template.id, { message: { templateId: 'tpl', page: 'pages/coupons/index', data: {} } }),
        400,
        'VALIDATION_FAILED',
      ],
      [
        campaignBody(template.id, {
          message: { templateId: 'tpl', page: 'pages/coupons/index', data: { thing1: 'x' } },
        }),
        400,
        'VALIDATION_FAILED',
      ],
      [
        campaignBody(template.id, {
          message: { templateId: 'tpl', page: 'https://evil', data: { thing1: { value: 'x' } } },
        }),
        400,
        'VALIDATION_FAILED',
      ],
      [campaignBody('abc'), 400, 'VALIDATION_FAILED'],
    ];
    for (const [body, status, code] of cases)
      expectEnvelope(await post('/admin/campaigns', body), status, code);
    // a merchant admin: not the alliance's segment, not an alliance coupon
    expectEnvelope(
      await post('/admin/campaigns', campaignBody(template.id), shopAdmin.token),
      404,
      'NOT_FOUND',
    );
    const own = await post('/admin/segments', { name: '本店', filter: {} }, shopAdmin.token);
    expectEnvelope(
      await post('/admin/campaigns', campaignBody(template.id, { segmentId: own.body.id }), shopAdmin.token),
      403,
      'FORBIDDEN',
    );
    const [{ n: after }] = await t.dataSource.query(`SELECT COUNT(*) AS n FROM campaigns`);
    expect(Number(after)).toBe(Number(before));

    // with a message: stored with the campaign, nothing sent on this branch (messaged stays 0)
    const message = {
      templateId: 'tpl_offer',
      page: 'pages/coupons/index',
      data: { thing1: { value: '你有一张回归礼券' } },
    };
    const withMessage = await post('/admin/campaigns', campaignBody(template.id, { message }));
    expect(withMessage.status).toBe(201);
    expect(withMessage.body.message).toEqual(message);
    expectEnvelope(
      await t.api('GET', `/admin/campaigns/${withMessage.body.id}`, { token: shopAdmin.token }),
      404,
    );
  });
  // last: its purchases make four of the members active again
  it('gives each target exactly one coupon in batches and the 20 % holdout none; the report counts it', async () => {
    const template = await f.template({ channel: 'issue_only', stock: 50 });
    const created = await post('/admin/campaigns', campaignBody(template.id));
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ status: 'draft', targeted: 0, holdout: 0, message: null });

    const launched = await post(`/admin/campaigns/${created.body.id}/launch`);
    expect(launched.status).toBe(202);
    expect(launched.body).toMatchObject({ status: 'running', targeted: 8, holdout: 2, processed: 0 });
    expectEnvelope(await post(`/admin/campaigns/${created.body.id}/launch`), 409, 'CAMPAIGN_STATE_CONFLICT');

    // one batch of 3, then the rest: resumable where it stopped
    expect(await runner().runBatch(created.body.id, 3)).toBe(3);
    const partial = await t.api('GET', `/admin/campaigns/${created.body.id}`, { token: admin });
    expect(partial.body).toMatchObject({ status: 'running', processed: 3 });
    await runner().runDue();
    await runner().runDue();
    const done = await t.api('GET', `/admin/campaigns/${created.body.id}`, { token: admin });
    expect(done.body).toMatchObject({ status: 'completed', processed: 8 });

    const given = await couponsOf(created.body.id, template.id);
    expect(given.filter((g: any) => g.holdout)).toEqual([
      { holdout: true, n: 0 },
      { holdout: true, n: 0 },
    ]);
    expect(given.filter((g: any) => !g.holdout)).toEqual(Array(8).fill({ holdout: false, n: 1 }));
    const wallet = await t.api('GET', '/me/coupons', { token: members[0].token });
    const holdoutIds = new Set(
      (
        await t.dataSource.query(
          `SELECT member_id FROM campaign_targets WHERE campaign_id = ? AND holdout = 1`,
          [created.body.id],
        )
      ).map((r: any) => String(r.member_id)),
    );
    expect(wallet.body.filter((c: any) => c.templateId === template.id)).toHaveLength(
      holdoutIds.has(members[0].member.id) ? 0 : 1,
    );

    // three targets use their coupon on a ¥20 counter purchase, one also buys without; one of the holdout buys ¥15
    const targetsOnly = members.filter((m) => !holdoutIds.has(m.member.id));
    const control = members.filter((m) => holdoutIds.has(m.member.id));
    for (const m of targetsOnly.slice(0, 3)) {
      const [coupon] = (await t.api('GET', '/me/coupons', { token: m.token })).body.filter(
        (c: any) => c.templateId === template.id,
      );
      await purchaseNow(m.token, 2_000, coupon.id);
    }
    await purchaseNow(targetsOnly[0].token, 700);
    await purchaseNow(control[0].token, 1_500);
    const report = await t.api('GET', `/admin/campaigns/${created.body.id}/report`, { token: admin });
    expect(report.status).toBe(200);
    expect(report.body).toEqual({
      targeted: 8,
      holdout: 2,
      issued: 8,
      messaged: 0,
      converted: 3,
      holdoutConverted: 1,
      spendFen: 3 * 2_000 + 700,
      holdoutSpendFen: 1_500,
      // the template is ¥5 off without threshold, used three times
      costFen: 3 * 500,
    });
  });
});
