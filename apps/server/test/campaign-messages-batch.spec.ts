import { CampaignMessages } from '../src/campaigns/campaign-messages';
import { CampaignRunner } from '../src/campaigns/campaign-runner.service';
import { CampaignRow, CampaignTarget } from '../src/campaigns/campaign.entities';
import { Clock } from '../src/common/clock';
import { APP_CONFIG, AppConfig } from '../src/common/config';
import { TransactionRunner } from '../src/common/transactions';
import { SANDBOX_MESSAGE_TEMPLATES } from '../src/messages/sandbox-templates';
import { OutboxDispatcher } from '../src/outbox/outbox.dispatcher';
import { factories } from './factories';
import { startTestApp, TestApp, TEST_DB } from './harness';

const DAY_MS = 86_400_000;
const OFFER = 'sandbox-campaign-offer';
const OTHER = 'sandbox-coupon-expiring';
/** the offer template's keywords (WeChat refuses a message that leaves one out: 47003) */
const OFFER_DATA = {
  thing1: { value: '沉睡唤醒' },
  thing2: { value: '满 100 减 20 券' },
  thing3: { value: '回来看看吧' },
};

/**
 * A campaign batch's messages go out set-based (issue 12): exactly the targets holding a consent for
 * the campaign's template get one message each (one consent used), the others none; the same batch
 * messaged again (a resumed run) sends no second one; in quiet hours they wait for 08:00 Shanghai.
 */
describe(`campaign messages in batches (${TEST_DB})`, () => {
  let t: TestApp;
  let f: ReturnType<typeof factories>;
  let admin: string;
  let segmentId: string;
  const members: { openid: string; token: string; member: { id: string } }[] = [];

  const post = (path: string, body?: unknown) => t.api('POST', path, { token: admin, body });
  const subscribe = async (token: string, templateId: string) =>
    expect(
      (await t.api('POST', '/me/subscriptions', { token, body: { results: { [templateId]: 'accept' } } }))
        .status,
    ).toBe(200);
  const inbox = async (openid: string) =>
    ((await t.http('GET', `/sandbox/wechat/messages?openid=${openid}`)).body.items as any[]).filter(
      (x) => x.templateId === OFFER,
    );
  const remaining = async (memberId: string, templateId = OFFER) => {
    const rows = await t.dataSource.query(
      'SELECT remaining FROM message_subscriptions WHERE member_id = ? AND template_id = ?',
      [memberId, templateId],
    );
    return rows.length ? Number(rows[0].remaining) : null;
  };
  /** what the campaign's causes became, by member: the sent message's status and its outbox rows */
  const causes = async (campaignId: string) => {
    const rows = await t.dataSource.query(
      `SELECT m.member_id, m.status, m.available_at,
              (SELECT COUNT(*) FROM outbox o WHERE o.dedupe_key = ${
                TEST_DB === 'mysql' ? "CONCAT('message:', m.id)" : "'message:' || m.id"
              }) AS outbox
         FROM sent_messages m WHERE m.cause_key LIKE ?`,
      [`campaign:${campaignId}:%`],
    );
    return new Map<string, { status: string; outbox: number; availableAt: Date }>(
      rows.map((r: any) => [
        String(r.member_id),
        {
          status: r.status,
          outbox: Number(r.outbox),
          availableAt: new Date(r.available_at instanceof Date ? r.available_at : `${r.available_at}Z`),
        },
      ]),
    );
  };
  const launch = async (message: boolean) => {
    const template = await f.template({ channel: 'issue_only', stock: 100 });
    const created = await post('/admin/campaigns', {
      name: '沉睡唤醒',
      segmentId,
      action: { type: 'coupon', templateId: template.id },
      holdoutPermille: 0,
      ...(message && {
        message: { templateId: OFFER, page: 'coupon/mine/index', data: OFFER_DATA },
      }),
    });
    expect(created.status).toBe(201);
    expect((await post(`/admin/campaigns/${created.body.id}/launch`)).status).toBe(202);
    return created.body.id as string;
  };

  beforeAll(async () => {
    t = await startTestApp();
    f = factories(t);
    admin = await f.adminToken();
    const shop = await f.merchant();
    const clerk = await f.staff(shop.id);
    for (let i = 0; i < 12; i++) {
      const m = await f.member();
      await f.purchase(clerk.token, m.token, 1_000);
      members.push(m);
    }
    const put = await t.api('PUT', '/admin/message-templates', {
      token: admin,
      body: {
        templates: SANDBOX_MESSAGE_TEMPLATES.filter((s) => s.templateId === OFFER || s.templateId === OTHER),
      },
    });
    expect(put.status).toBe(200);
    // members 0–4 allow one campaign message, member 5 two, member 6 only another template's
    for (const m of members.slice(0, 6)) await subscribe(m.token, OFFER);
    await subscribe(members[5]!.token, OFFER);
    await subscribe(members[6]!.token, OTHER);
    // noon in Shanghai, 70 days on: every member is dormant, and no quiet hours
    const later = new Date(Date.now() + 70 * DAY_MS + 8 * 3600_000).toISOString().slice(0, 10);
    t.app.get(Clock).travelTo(new Date(`${later}T12:00:00+08:00`));
    const saved = await post('/admin/segments', { name: '沉睡会员', filter: { lifecycle: ['dormant'] } });
    expect(saved.body.count).toBe(12);
    segmentId = saved.body.id;
  });
  afterAll(() => t.close());

  it('messages in one batch exactly the subscribed targets, once each; a batch messaged again sends none', async () => {
    const campaignId = await launch(true);
    // all 12 targets in one set-based batch
    expect(await t.app.get(CampaignRunner).runBatch(campaignId, 12)).toBe(12);
    const subscribed = new Set(members.slice(0, 6).map((m) => String(m.member.id)));
    const decided = await causes(campaignId);
    for (const m of members) {
      const id = String(m.member.id);
      expect({ member: id, ...decided.get(id), availableAt: undefined }).toEqual({
        member: id,
        status: subscribed.has(id) ? 'queued' : 'skipped',
        outbox: subscribed.has(id) ? 1 : 0,
        availableAt: undefined,
      });
    }
    expect(await Promise.all(members.slice(0, 7).map((m) => remaining(m.member.id)))).toEqual([
      0,
      0,
      0,
      0,
      0,
      1,
      null,
    ]);
    expect(await remaining(members[6]!.member.id, OTHER)).toBe(1);
    const messaged = await t.dataSource.query(
      'SELECT member_id FROM campaign_targets WHERE campaign_id = ? AND messaged_at IS NOT NULL',
      [campaignId],
    );
    expect(new Set(messaged.map((r: any) => String(r.member_id)))).toEqual(subscribed);

    // the same batch again, as a resumed run would: every cause was decided, nothing is sent twice
    const campaign = await t.dataSource.getRepository(CampaignRow).findOneByOrFail({ id: campaignId });
    const targets = await t.dataSource.getRepository(CampaignTarget).findBy({ campaignId });
    const again = await t.app
      .get(TransactionRunner)
      .run((em) => t.app.get(CampaignMessages).messageBatch(em, campaign, targets, t.app.get(Clock).now()));
    expect(again).toBe(0);
    expect([...(await causes(campaignId)).values()].filter((c) => c.outbox).length).toBe(6);
    expect(await remaining(members[5]!.member.id)).toBe(1);

    await t.app.get(OutboxDispatcher).dispatchDue(t.app.get(Clock).now());
    for (const m of members)
      expect({ member: m.member.id, messages: (await inbox(m.openid)).length }).toEqual({
        member: m.member.id,
        messages: subscribed.has(String(m.member.id)) ? 1 : 0,
      });
  });

  it('holds a batch’s messages through quiet hours until 08:00 Shanghai', async () => {
    const config = t.app.get<AppConfig>(APP_CONFIG);
    const clock = t.app.get(Clock);
    const day = new Date(clock.now().getTime() + 8 * 3600_000).toISOString().slice(0, 10);
    const night = new Date(`${day}T23:30:00+08:00`);
    const morning = new Date(night.getTime() + 8.5 * 3600_000);
    await subscribe(members[7]!.token, OFFER);
    clock.travelTo(night);
    config.quietHours = true;
    try {
      const campaignId = await launch(true);
      await t.app.get(CampaignRunner).runDue();
      const decided = await causes(campaignId);
      // member 5 had a second consent, member 7 a new one; everyone else has none left
      const queued = [...decided].filter(([, c]) => c.status === 'queued');
      expect(queued.map(([id]) => id).sort()).toEqual(
        [members[5]!.member.id, members[7]!.member.id].map(String).sort(),
      );
      for (const [, c] of queued) expect(c.availableAt.toISOString()).toBe(morning.toISOString());
      const before = (await inbox(members[7]!.openid)).length;
      await t.app.get(OutboxDispatcher).dispatchDue(new Date(morning.getTime() - 1000));
      expect(await inbox(members[7]!.openid)).toHaveLength(before);
      await t.app.get(OutboxDispatcher).dispatchDue(new Date(morning.getTime() + 1000));
      expect(await inbox(members[7]!.openid)).toHaveLength(before + 1);
    } finally {
      config.quietHours = false;
    }
  });
});
