import { factories, expectEnvelope } from './factories';
import { startTestApp, TestApp, TEST_DB } from './harness';
import { Clock } from '../src/common/clock';
import { APP_CONFIG, AppConfig } from '../src/common/config';
import { TransactionRunner } from '../src/common/transactions';
import { SentMessage } from '../src/messages/message.entities';
import { MessageToEnqueue, SubscribeMessagesService } from '../src/messages/subscribe-messages.service';
import { OutboxDispatcher } from '../src/outbox/outbox.dispatcher';
import { OutboxMessage } from '../src/outbox/outbox.entity';

const COUPON_TEMPLATE = 'sandbox-coupon-expiring';
const data = {
  thing1: { value: '满50减10' },
  time2: { value: '2026-12-10 23:59' },
  thing3: { value: '记得在到期前使用哦' },
};

/** Subscribe messages: consents, one message per cause and consent, WeChat's refusals, quiet hours. */
describe(`subscribe messages (${TEST_DB})`, () => {
  let t: TestApp;
  let f: ReturnType<typeof factories>;
  let service: SubscribeMessagesService;
  let dispatcher: OutboxDispatcher;
  let allianceId: string;

  beforeAll(async () => {
    // messages at once, whatever hour the suite runs; the quiet-hours test turns them back on
    t = await startTestApp({ QUIET_HOURS: 'false' });
    f = factories(t);
    service = t.app.get(SubscribeMessagesService);
    dispatcher = t.app.get(OutboxDispatcher);
    allianceId = String((await t.dataSource.query('SELECT id FROM alliances'))[0].id);
    const put = await t.api('PUT', '/admin/message-templates', {
      token: await f.adminToken(),
      body: {
        templates: [
          {
            kind: 'coupon_expiring',
            templateId: COUPON_TEMPLATE,
            fields: { thing1: 'couponTitle', time2: 'validUntil', thing3: 'tip' },
          },
          {
            kind: 'tier_upgraded',
            templateId: 'sandbox-tier-upgraded',
            page: 'pages/card/index',
            fields: {},
          },
        ],
      },
    });
    expect(put.status).toBe(200);
  });
  afterAll(() => t.close());
  afterEach(() => t.app.get(Clock).reset());

  const enqueue = (message: Omit<MessageToEnqueue, 'allianceId' | 'templateId' | 'page' | 'data'>) =>
    t.app.get(TransactionRunner).run((em) =>
      service.enqueue(em, {
        allianceId,
        templateId: COUPON_TEMPLATE,
        page: 'coupon/mine/index',
        data,
        ...message,
      }),
    );
  const inbox = async (openid: string) =>
    (await t.http('GET', `/sandbox/wechat/messages?openid=${openid}`)).body.items as unknown[];
  const subscribe = (token: string, results: Record<string, string>) =>
    t.api('POST', '/me/subscriptions', { token, body: { results } });
  const remaining = async (memberId: string) =>
    Number(
      (
        await t.dataSource.query(
          `SELECT remaining FROM message_subscriptions WHERE member_id = ${memberId} AND template_id = '${COUPON_TEMPLATE}'`,
        )
      )[0]?.remaining ?? 0,
    );

  it('keeps the alliance’s templates; a field the kind does not have is 400', async () => {
    const token = await f.adminToken();
    const got = await t.api('GET', '/admin/message-templates', { token });
    expect(got.body.items).toEqual([
      {
        kind: 'coupon_expiring',
        templateId: COUPON_TEMPLATE,
        page: 'coupon/mine/index',
        fields: { thing1: 'couponTitle', time2: 'validUntil', thing3: 'tip' },
      },
      { kind: 'tier_upgraded', templateId: 'sandbox-tier-upgraded', page: 'pages/card/index', fields: {} },
    ]);
    const bad = (templates: unknown[]) =>
      t.api('PUT', '/admin/message-templates', { token, body: { templates } });
    const unknownField = await bad([
      { kind: 'coupon_expiring', templateId: 'x', fields: { thing1: 'nickname' } },
    ]);
    expectEnvelope(unknownField, 400, 'VALIDATION_FAILED');
    expect(unknownField.body.error.details).toEqual([
      { field: 'templates.0.fields.thing1', message: 'thing1: 字段 nickname 不存在' },
    ]);
    expectEnvelope(await bad([{ kind: 'birthday', templateId: 'x', fields: {} }]), 400, 'VALIDATION_FAILED');
    expectEnvelope(await bad([{ kind: 'coupon_expiring', templateId: 'x', fields: { title: 'tip' } }]), 400);
    expectEnvelope(await bad([{ kind: 'coupon_expiring', templateId: 'x', page: '/abs', fields: {} }]), 400);
    expectEnvelope(await bad([{ kind: 'coupon_expiring', templateId: 'x', fields: {}, extra: 1 }]), 400);
    const member = await f.member();
    expectEnvelope(await t.api('GET', '/admin/message-templates', { token: member.token }), 403, 'FORBIDDEN');
    // nothing changed by the refused writes
    expect((await t.api('GET', '/admin/message-templates', { token })).body).toEqual(got.body);

    // a save replaces: a kind left out is removed, a kind kept is updated in place
    const replaced = await t.api('PUT', '/admin/message-templates', {
      token,
      body: { templates: [{ kind: 'coupon_expiring', templateId: 'other-id', fields: { thing1: 'tip' } }] },
    });
    expect(replaced.body.items).toEqual([
      {
        kind: 'coupon_expiring',
        templateId: 'other-id',
        page: 'coupon/mine/index',
        fields: { thing1: 'tip' },
      },
    ]);
    const restored = await t.api('PUT', '/admin/message-templates', {
      token,
      body: { templates: got.body.items },
    });
    expect(restored.body).toEqual(got.body);
  });

  it('counts consents: each accept allows one message, a reject nothing; unknown templates are 400', async () => {
    const m = await f.member();
    const unknown = await subscribe(m.token, { 'someone-else': 'accept' });
    expectEnvelope(unknown, 400, 'VALIDATION_FAILED');
    expect(unknown.body.error.details).toEqual([
      { field: 'results.someone-else', message: '不是本联盟的消息模板' },
    ]);
    expectEnvelope(await subscribe(m.token, { [COUPON_TEMPLATE]: 'maybe' }), 400, 'VALIDATION_FAILED');
    expectEnvelope(await subscribe(m.token, {}), 400, 'VALIDATION_FAILED');
    expectEnvelope(await t.api('POST', '/me/subscriptions', { token: m.token, body: { results: 'x' } }), 400);

    const first = await subscribe(m.token, {
      [COUPON_TEMPLATE]: 'accept',
      'sandbox-tier-upgraded': 'reject',
    });
    expect(first.status).toBe(200);
    expect(first.body).toEqual([
      { templateId: COUPON_TEMPLATE, remaining: 1 },
      { templateId: 'sandbox-tier-upgraded', remaining: 0 },
    ]);
    expect((await subscribe(m.token, { [COUPON_TEMPLATE]: 'accept' })).body).toEqual([
      { templateId: COUPON_TEMPLATE, remaining: 2 },
    ]);
    expect((await t.api('GET', '/me/subscriptions', { token: m.token })).body).toEqual([
      { kind: 'coupon_expiring', templateId: COUPON_TEMPLATE, remaining: 2 },
      { kind: 'tier_upgraded', templateId: 'sandbox-tier-upgraded', remaining: 0 },
    ]);
  });

  it('sends nothing without a consent, exactly one with one, and each cause once', async () => {
    const m = await f.member();
    const memberId = m.member.id as string;
    expect(await enqueue({ memberId, causeKey: `test:none:${memberId}` })).toEqual({
      queued: false,
      reason: 'no_subscription',
    });
    await dispatcher.dispatchDue(new Date());
    expect(await inbox(m.openid)).toEqual([]);

    await subscribe(m.token, { [COUPON_TEMPLATE]: 'accept' });
    const cause = `test:one:${memberId}`;
    expect(await enqueue({ memberId, causeKey: cause })).toEqual({
      queued: true,
      messageId: expect.any(String),
    });
    expect(await enqueue({ memberId, causeKey: cause })).toEqual({
      queued: false,
      reason: 'duplicate_cause',
    });
    expect(await remaining(memberId)).toBe(0);
    await dispatcher.dispatchDue(new Date());
    await dispatcher.dispatchDue(new Date());
    expect(await inbox(m.openid)).toEqual([
      {
        openid: m.openid,
        templateId: COUPON_TEMPLATE,
        page: 'coupon/mine/index',
        data,
        sentAt: expect.any(String),
      },
    ]);
    const row = await t.dataSource
      .getRepository(SentMessage)
      .findOneByOrFail({ allianceId, causeKey: cause });
    expect({ status: row.status, errcode: row.errcode }).toEqual({ status: 'sent', errcode: 0 });
    // the member's export holds the consents left and every message caused
    const exported = (await t.api('GET', '/me/export', { token: m.token })).body.messages;
    expect(exported.subscriptions).toEqual([{ templateId: COUPON_TEMPLATE, remaining: 0 }]);
    expect(exported.messages.map((x: any) => [x.status, x.errcode, x.page])).toEqual([
      ['sent', 0, 'coupon/mine/index'],
      ['skipped', null, 'coupon/mine/index'],
    ]);
    // a skipped cause stays decided: a consent given later does not send it
    await subscribe(m.token, { [COUPON_TEMPLATE]: 'accept' });
    expect(await enqueue({ memberId, causeKey: `test:none:${memberId}` })).toEqual({
      queued: false,
      reason: 'duplicate_cause',
    });
  });

  it('one consent, two causes racing: exactly one message', async () => {
    const m = await f.member();
    const memberId = m.member.id as string;
    await subscribe(m.token, { [COUPON_TEMPLATE]: 'accept' });
    const outcomes = await Promise.all(
      ['a', 'b', 'c', 'd'].map((n) => enqueue({ memberId, causeKey: `test:race:${memberId}:${n}` })),
    );
    expect(outcomes.filter((o) => o.queued)).toHaveLength(1);
    expect(outcomes.filter((o) => !o.queued && o.reason === 'no_subscription')).toHaveLength(3);
    expect(await remaining(memberId)).toBe(0);
    // and the same cause racing itself with consents to spare: one message
    await subscribe(m.token, { [COUPON_TEMPLATE]: 'accept' });
    await subscribe(m.token, { [COUPON_TEMPLATE]: 'accept' });
    const same = await Promise.all(
      [1, 2, 3].map(() => enqueue({ memberId, causeKey: `test:same:${memberId}` })),
    );
    expect(same.filter((o) => o.queued)).toHaveLength(1);
    expect(await remaining(memberId)).toBe(1);
    await dispatcher.dispatchDue(new Date());
    expect(await inbox(m.openid)).toHaveLength(2);
  });

  it('records a 43101 from WeChat and does not retry it', async () => {
    const m = await f.member();
    const memberId = m.member.id as string;
    await subscribe(m.token, { [COUPON_TEMPLATE]: 'accept' });
    // WeChat's consent is used up elsewhere (another sender of the same app): the server still counts one
    const token = (
      await t.http(
        'GET',
        '/sandbox/cgi-bin/token?grant_type=client_credential&appid=wx_sandbox_appid&secret=sandbox_app_secret',
      )
    ).body.access_token;
    const direct = await t.http('POST', `/sandbox/cgi-bin/message/subscribe/send?access_token=${token}`, {
      body: { touser: m.openid, template_id: COUPON_TEMPLATE, data },
    });
    expect(direct.body.errcode).toBe(0);

    const cause = `test:refused:${memberId}`;
    const queued = await enqueue({ memberId, causeKey: cause });
    expect(queued.queued).toBe(true);
    await dispatcher.dispatchDue(new Date());
    await dispatcher.dispatchDue(new Date(Date.now() + 3_600_000));
    const row = await t.dataSource
      .getRepository(SentMessage)
      .findOneByOrFail({ allianceId, causeKey: cause });
    expect({ status: row.status, errcode: row.errcode }).toEqual({ status: 'refused', errcode: 43101 });
    const out = await t.dataSource
      .getRepository(OutboxMessage)
      .findOneByOrFail({ dedupeKey: `message:${queued.queued && queued.messageId}` });
    expect({ status: out.status, attempts: out.attempts }).toEqual({ status: 'sent', attempts: 1 });
    expect(await inbox(m.openid)).toHaveLength(1); // only the direct one
  });

  it('waits through quiet hours until 08:00 Shanghai', async () => {
    const config = t.app.get<AppConfig>(APP_CONFIG);
    config.quietHours = true;
    try {
      await waitsThroughQuietHours();
    } finally {
      config.quietHours = false;
    }
  });

  async function waitsThroughQuietHours() {
    const m = await f.member();
    const memberId = m.member.id as string;
    await subscribe(m.token, { [COUPON_TEMPLATE]: 'accept' });
    const clock = t.app.get(Clock);
    clock.travelTo(new Date('2030-01-01T15:30:00Z')); // 23:30 in Shanghai
    const cause = `test:quiet:${memberId}`;
    expect((await enqueue({ memberId, causeKey: cause })).queued).toBe(true);
    const row = await t.dataSource
      .getRepository(SentMessage)
      .findOneByOrFail({ allianceId, causeKey: cause });
    expect(row.availableAt.toISOString()).toBe('2030-01-02T00:00:00.000Z');

    await dispatcher.dispatchDue(new Date('2030-01-01T23:59:59Z')); // 07:59:59
    expect(await inbox(m.openid)).toEqual([]);
    await dispatcher.dispatchDue(new Date('2030-01-02T00:00:01Z'));
    expect(await inbox(m.openid)).toHaveLength(1);
  }

  it('sends at once in quiet hours when QUIET_HOURS=false (demos and browser tests at night)', async () => {
    const m = await f.member();
    const memberId = m.member.id as string;
    await subscribe(m.token, { [COUPON_TEMPLATE]: 'accept' });
    t.app.get(Clock).travelTo(new Date('2030-01-03T15:30:00Z')); // 23:30 in Shanghai
    const cause = `test:loud:${memberId}`;
    expect((await enqueue({ memberId, causeKey: cause })).queued).toBe(true);
    const row = await t.dataSource
      .getRepository(SentMessage)
      .findOneByOrFail({ allianceId, causeKey: cause });
    // due now (the clock keeps ticking), not at 08:00 the next morning
    const late = row.availableAt.getTime() - Date.parse('2030-01-03T15:30:00Z');
    expect(late >= 0 && late < 60_000).toBe(true);
  });
});
