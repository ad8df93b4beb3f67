import { APP_CONFIG, AppConfig } from '../src/common/config';
import { redactUrl } from '../src/common/log-redaction';
import { DEMO } from '../src/seed/bootstrap.service';
import { factories } from './factories';
import { startTestApp, TestApp, TEST_DB } from './harness';

/**
 * What the process writes to stdout (pino's destination) while it seeds the demo and serves requests
 * that carry credentials: none of them may be in it.
 */
describe(`log privacy (${TEST_DB})`, () => {
  const secrets = {
    ADMIN_PASSWORD: 'Adm1n-Passw0rd-in-no-log',
    APP_SECRET: 'app-secret-that-never-reaches-a-log-line-0123',
    WECHAT_SECRET: 'wechat-secret-never-logged',
  };
  let output = '';
  let t: TestApp;

  beforeAll(async () => {
    // pino writes to process.stdout once its write is replaced, so this sees every log line.
    jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      output += chunk.toString();
      return true;
    });
    t = await startTestApp({ SEED_DEMO: 'true', LOG_LEVEL: 'info', ...secrets });
  });
  afterAll(async () => {
    await t.close();
    jest.restoreAllMocks();
  });

  it('seeding names the accounts but prints no password or secret', async () => {
    expect(output).toContain('Seeded the demo alliance');
    expect(output).toContain(`clerk ${DEMO.merchants[0].clerk}`);
    const pay = t.app.get<AppConfig>(APP_CONFIG).wechatPay!;
    for (const secret of [
      ...Object.values(secrets),
      DEMO.clerkPassword,
      pay.apiV3Key,
      pay.merchantPrivateKeyPem.split('\n')[1],
    ])
      expect(output).not.toContain(secret);
  });

  it('request logs carry no share token, member, pickup, login or phone code', async () => {
    const f = factories(t);
    const seen: string[] = [];
    const loginCode = await f.loginCode(`o_${f.unique()}`);
    seen.push(loginCode);
    const joined = await t.api('POST', '/join', { body: { code: loginCode, scene: 'demo-bakery' } });
    const member = joined.body.token as string;

    const phoneCode = await f.phoneCode('13800138000');
    seen.push(phoneCode);
    expect((await t.api('POST', '/me/phone', { token: member, body: { code: phoneCode } })).status).toBe(200);

    const clerk = await t.api('POST', '/staff/login', {
      body: { username: DEMO.merchants[1].clerk, password: DEMO.clerkPassword },
    });
    const memberCode = await f.memberCode(member);
    seen.push(memberCode);
    expect(
      (await t.api('POST', '/staff/members/lookup', { token: clerk.body.token, body: { memberCode } }))
        .status,
    ).toBe(200);
    await f.purchase(clerk.body.token, member, 20_000);

    const items = (await t.api('GET', '/mall/items', { token: member })).body as any[];
    const croissant = items.find((item) => item.title === '招牌可颂');
    const redeemed = await t.api('POST', `/mall/items/${croissant.id}/redeem`, {
      token: member,
      body: { quantity: 1 },
    });
    seen.push(redeemed.body.pickupCode);
    const pickedUp = await t.api('POST', '/staff/pickups', {
      token: clerk.body.token,
      body: { pickupCode: redeemed.body.pickupCode },
    });
    expect(pickedUp.status).toBe(200);

    const offers = (await t.api('GET', '/offers', { token: member })).body as any[];
    const forwardable = offers.find((o) => o.forwardable && !o.claimedByMe);
    const coupon = await f.claim(member, forwardable.id);
    const share = await t.api('POST', `/me/coupons/${coupon.id}/share`, { token: member });
    const shareToken = share.body.shareToken as string;
    seen.push(shareToken);
    expect((await t.api('GET', `/shares/${shareToken}`)).status).toBe(200);
    const friendCode = await f.loginCode(`o_${f.unique()}`);
    seen.push(friendCode);
    const accepted = await t.api('POST', `/shares/${shareToken}/accept`, { body: { code: friendCode } });
    expect(accepted.status).toBe(200);

    for (const value of seen) {
      expect(value).toEqual(expect.any(String));
      expect(output).not.toContain(value);
    }
    // The requests were logged (else this test would prove nothing), without what they carried.
    expect(output).toContain('"url":"/api/v1/shares/[REDACTED]"');
    expect(output).toContain('"url":"/api/v1/staff/pickups"');
  });

  it('redacts share tokens in paths and query values outside a short list', () => {
    expect(redactUrl('/api/v1/shares/abc123/accept')).toBe('/api/v1/shares/[REDACTED]/accept');
    expect(redactUrl('/sandbox/sns/jscode2session?appid=wx1&secret=s3&js_code=c0de&grant_type=x')).toBe(
      '/sandbox/sns/jscode2session?appid=[REDACTED]&secret=[REDACTED]&js_code=[REDACTED]&grant_type=[REDACTED]',
    );
    expect(redactUrl('/api/v1/admin/members?q=13800138000&limit=20&cursor=abc')).toBe(
      '/api/v1/admin/members?q=[REDACTED]&limit=20&cursor=abc',
    );
    expect(redactUrl('/api/v1/health')).toBe('/api/v1/health');
  });
});
