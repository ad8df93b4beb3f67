import { SANDBOX_MESSAGE_TEMPLATES } from '../src/messages/sandbox-templates';
import { parseBusinessDate, businessDate } from '@allycard/domain';
import { factories } from './factories';
import { startTestApp, TestApp, TEST_DB } from './harness';
import { Clock } from '../src/common/clock';
import { MessagesJobs } from '../src/messages/messages.jobs';
import { OutboxDispatcher } from '../src/outbox/outbox.dispatcher';
import { PointsLot } from '../src/points/points.entities';

const DAY = 86_400_000;

/**
 * The alliance's own messages: coupon expiring in 3 days, points expiring within 30 days, the
 * referral reward, the tier upgrade — each once per cause, opening its page, only with a consent.
 */
describe(`message causes (${TEST_DB})`, () => {
  let t: TestApp;
  let f: ReturnType<typeof factories>;
  let jobs: MessagesJobs;
  let clerk: { token: string };
  let admin: string;

  /** 10:00 in Shanghai today: the messages of these tests never wait for the morning. */
  const daytime = () => new Date(parseBusinessDate(businessDate(new Date()))!.getTime() + 2 * 3_600_000);
  const dispatch = () => t.app.get(OutboxDispatcher).dispatchDue(new Date(Date.now() + 400 * DAY));
  const inbox = async (openid: string) =>
    (await t.http('GET', `/sandbox/wechat/messages?openid=${openid}`)).body.items as any[];
  const subscribe = (token: string, templateId: string) =>
    t.api('POST', '/me/subscriptions', { token, body: { results: { [templateId]: 'accept' } } });

  beforeAll(async () => {
    t = await startTestApp();
    f = factories(t);
    jobs = t.app.get(MessagesJobs);
    admin = await f.adminToken();
    clerk = await f.staff((await f.merchant()).id);
    const put = await t.api('PUT', '/admin/message-templates', {
      token: admin,
      body: {
        templates: SANDBOX_MESSAGE_TEMPLATES.filter((setting) => setting.kind !== 'campaign_offer'),
      },
    });
    expect(put.status).toBe(200);
  });
  beforeEach(() => t.app.get(Clock).travelTo(daytime()));
  afterAll(() => t.close());

  it('reminds of a coupon ending within 3 days, once, on its page; not one ending later', async () => {
    const soon = await f.template({ title: '三天到期券', validDays: 2 });
    const later = await f.template({ title: '七天券', validDays: 7 });
    const m = await f.member();
    const coupon = await f.claim(m.token, soon.id);
    await f.claim(m.token, later.id);
    const stranger = await f.member(); // no consent: nothing
    await f.claim(stranger.token, soon.id);
    await subscribe(m.token, 'sandbox-coupon-expiring');
    await subscribe(m.token, 'sandbox-coupon-expiring');

    const now = t.app.get(Clock).now();
    expect(await jobs.remindExpiringCoupons(now)).toBe(1);
    expect(await jobs.remindExpiringCoupons(new Date(now.getTime() + 3_600_000))).toBe(0); // the next run
    await dispatch();
    const items = await inbox(m.openid);
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({
      templateId: 'sandbox-coupon-expiring',
      page: 'coupon/mine/index',
      data: {
        thing1: { value: '三天到期券' },
        time2: { value: expect.stringMatching(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/) },
        thing3: { value: '你的优惠券快到期了，记得使用' },
      },
    });
    expect(new Date(`${items[0].data.time2.value.replace(' ', 'T')}:00+08:00`).getTime()).toBe(
      Math.floor(new Date(coupon.validUntil).getTime() / 60_000) * 60_000,
    );
    expect(await inbox(stranger.openid)).toEqual([]);
  });

  it('reminds of points expiring within 30 days (积分清零), once per expiry date', async () => {
    const m = await f.member();
    await subscribe(m.token, 'sandbox-points-expiring');
    await subscribe(m.token, 'sandbox-points-expiring');
    await f.purchase(clerk.token, m.token, 12_300);
    const points = (await t.api('GET', '/me/points', { token: m.token })).body;
    const [lot] = await t.dataSource.getRepository(PointsLot).findBy({ memberId: m.member.id });
    const expiresAt = lot.expiresAt;
    expect(lot.remaining).toBe(points.balance);
    // two months before: nothing yet
    expect(await jobs.remindExpiringPoints(new Date(expiresAt.getTime() - 60 * DAY))).toBe(0);
    t.app.get(Clock).travelTo(new Date(expiresAt.getTime() - 20 * DAY));
    expect(await jobs.remindExpiringPoints(t.app.get(Clock).now())).toBe(1);
    expect(await jobs.remindExpiringPoints(new Date(expiresAt.getTime() - 19 * DAY))).toBe(0);
    await dispatch();
    expect(await inbox(m.openid)).toEqual([
      expect.objectContaining({
        templateId: 'sandbox-points-expiring',
        page: 'points/balance/index',
        data: {
          number1: { value: String(points.balance) },
          time2: { value: expect.any(String) },
          thing3: { value: '你的积分即将清零，快去兑换' },
        },
      }),
    ]);
  });

  it('tells the referrer its reward arrived, once', async () => {
    const reward = await f.template({ title: '拉新奖励券', stock: 10 });
    await t.api('PUT', '/admin/referral-rule', {
      token: admin,
      body: { rewardTemplateId: reward.id, rewardPoints: 0 },
    });
    try {
      const sender = await f.member();
      await subscribe(sender.token, 'sandbox-referral-reward');
      await subscribe(sender.token, 'sandbox-referral-reward');
      const shared = await f.claim(sender.token, (await f.template({ forwardable: true })).id);
      const share = await t.api('POST', `/me/coupons/${shared.id}/share`, { token: sender.token });
      const friend = await t.api('POST', `/shares/${share.body.shareToken}/accept`, {
        body: { code: await f.loginCode(`o_${f.unique()}`) },
      });
      await f.purchase(clerk.token, friend.body.token, 5000);
      await f.purchase(clerk.token, friend.body.token, 5000); // not a first purchase: no second reward
      await dispatch();
      expect(await inbox(sender.openid)).toEqual([
        expect.objectContaining({
          templateId: 'sandbox-referral-reward',
          page: 'coupon/mine/index',
          data: expect.objectContaining({ thing1: { value: '拉新奖励券' } }),
        }),
      ]);
    } finally {
      await t.api('PUT', '/admin/referral-rule', {
        token: admin,
        body: { rewardTemplateId: null, rewardPoints: 0 },
      });
    }
  });

  it('tells a member moving up a tier, not one moving down', async () => {
    const tiers = (await t.api('GET', '/admin/tiers', { token: admin })).body;
    const ladder = [
      {
        code: 'normal',
        name: '普通会员',
        minSpendFen: 0,
        discountPermille: 1000,
        pointsMultiplierPermille: 1000,
      },
      {
        code: 'gold',
        name: '金卡会员',
        minSpendFen: 10_000,
        discountPermille: 950,
        pointsMultiplierPermille: 1500,
      },
    ];
    expect((await t.api('PUT', '/admin/tiers', { token: admin, body: { tiers: ladder } })).status).toBe(200);
    try {
      const m = await f.member();
      await subscribe(m.token, 'sandbox-tier-upgraded');
      await subscribe(m.token, 'sandbox-tier-upgraded');
      const purchase = await f.purchase(clerk.token, m.token, 20_000);
      expect((await t.api('GET', '/me', { token: m.token })).body.tier.code).toBe('gold');
      // voided: back down to normal, which tells nothing
      const voided = await t.api('POST', `/staff/redemptions/${purchase.id}/void`, {
        token: clerk.token,
        body: { reason: '金额输错' },
      });
      expect(voided.status).toBe(200);
      expect((await t.api('GET', '/me', { token: m.token })).body.tier.code).toBe('normal');
      await dispatch();
      expect(await inbox(m.openid)).toEqual([
        expect.objectContaining({
          templateId: 'sandbox-tier-upgraded',
          page: 'pages/card/index',
          data: expect.objectContaining({ thing1: { value: '金卡会员' } }),
        }),
      ]);
    } finally {
      if (Array.isArray(tiers?.tiers ?? tiers))
        await t.api('PUT', '/admin/tiers', { token: admin, body: { tiers: tiers.tiers ?? tiers } });
    }
  });
});
