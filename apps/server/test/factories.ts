import { randomBytes } from 'node:crypto';
import type { TestApp } from './harness';

/** Test data through the public API only: tests never depend on the demo seed. */
export function factories(t: Pick<TestApp, 'api' | 'http'>) {
  let adminToken: string | null = null;
  const unique = () => randomBytes(4).toString('hex');

  const f = {
    unique,
    /** The body of f.template(), to send altered. */
    templateBody: () => ({
      title: `券${unique()}`,
      kind: 'no_threshold',
      valueFen: 500,
      thresholdFen: 0,
      stock: 100,
      perMemberLimit: 1,
      validDays: 7,
      usableAt: 'alliance',
      audience: 'all',
      firstOrderOnly: false,
      forwardable: true,
      joinGift: false,
      issuer: { type: 'alliance' },
    }),
    async adminToken(): Promise<string> {
      if (adminToken) return adminToken;
      const res = await t.api('POST', '/admin/login', { body: { username: 'admin', password: 'admin123' } });
      if (res.status !== 200)
        throw new Error(`admin login failed: ${res.status} ${JSON.stringify(res.body)}`);
      adminToken = res.body.token as string;
      return adminToken;
    },
    async merchant(
      name = `商户${unique()}`,
    ): Promise<{ id: string; name: string; stores: { id: string; name: string }[] }> {
      const res = await t.api('POST', '/admin/merchants', { token: await f.adminToken(), body: { name } });
      if (res.status !== 201) throw new Error(`create merchant: ${res.status} ${JSON.stringify(res.body)}`);
      return res.body;
    },
    async staff(merchantId: string, role: 'clerk' | 'merchant_admin' = 'clerk') {
      const username = `clerk_${unique()}`;
      const password = 'password123';
      const created = await t.api('POST', `/admin/merchants/${merchantId}/staff`, {
        token: await f.adminToken(),
        body: { username, password, role },
      });
      if (created.status !== 201)
        throw new Error(`create staff: ${created.status} ${JSON.stringify(created.body)}`);
      const login = await t.api('POST', '/staff/login', { body: { username, password } });
      return { ...created.body, username, password, token: login.body.token as string };
    },
    async qrcode(merchantId: string, extra: { storeId?: string; campaign?: string } = {}) {
      const res = await t.api('POST', '/admin/qrcodes', {
        token: await f.adminToken(),
        body: { merchantId, ...extra },
      });
      if (res.status !== 201) throw new Error(`create qrcode: ${res.status} ${JSON.stringify(res.body)}`);
      return res.body as { scene: string; path: string; imagePngBase64: string };
    },
    /** A coupon template; defaults: ¥5 no-threshold, alliance-wide, 7 days, stock 100, 1 per member. */
    async template(overrides: Record<string, unknown> = {}, token?: string) {
      const body = { ...f.templateBody(), ...overrides };
      const res = await t.api('POST', '/admin/coupon-templates', {
        token: token ?? (await f.adminToken()),
        body,
      });
      if (res.status !== 201) throw new Error(`create template: ${res.status} ${JSON.stringify(res.body)}`);
      return res.body as { id: string; [k: string]: any };
    },
    async claim(memberToken: string, templateId: string) {
      const res = await t.api('POST', `/offers/${templateId}/claim`, { token: memberToken });
      if (res.status !== 201) throw new Error(`claim: ${res.status} ${JSON.stringify(res.body)}`);
      return res.body as { id: string; [k: string]: any };
    },
    async memberCode(memberToken: string): Promise<string> {
      return (await t.api('GET', '/me/member-code', { token: memberToken })).body.code;
    },
    /** A counter purchase of `amountFen` by the member at the clerk's merchant (earns points). */
    async purchase(clerkToken: string, memberToken: string, amountFen: number, couponId?: string) {
      const res = await t.api('POST', '/staff/redemptions', {
        token: clerkToken,
        body: { memberCode: await f.memberCode(memberToken), amountFen, ...(couponId && { couponId }) },
      });
      if (res.status !== 201) throw new Error(`purchase: ${res.status} ${JSON.stringify(res.body)}`);
      return res.body;
    },
    async mallItem(overrides: Record<string, unknown> = {}) {
      const res = await t.api('POST', '/admin/mall/items', {
        token: await f.adminToken(),
        body: {
          title: `商品${unique()}`,
          pointsPrice: 100,
          cashFen: 0,
          stock: 10,
          perMemberLimit: 1,
          fulfilment: 'pickup',
          ...overrides,
        },
      });
      if (res.status !== 201) throw new Error(`mall item: ${res.status} ${JSON.stringify(res.body)}`);
      return res.body as { id: string; [k: string]: any };
    },
    /** What wx.login would hand this WeChat user. */
    async loginCode(openid: string): Promise<string> {
      const res = await t.http('POST', '/sandbox/wechat/login-code', { body: { openid } });
      if (res.status !== 200 && res.status !== 201)
        throw new Error(`login-code: ${res.status} ${JSON.stringify(res.body)}`);
      return res.body.code;
    },
    async phoneCode(phone: string): Promise<string> {
      const res = await t.http('POST', '/sandbox/wechat/phone-code', { body: { phone } });
      return res.body.code;
    },
    async member(options: { openid?: string; scene?: string } = {}) {
      const openid = options.openid ?? `o_${unique()}${unique()}`;
      const res = await t.api('POST', '/join', {
        body: { code: await f.loginCode(openid), ...(options.scene && { scene: options.scene }) },
      });
      if (res.status !== 201 && res.status !== 200)
        throw new Error(`join: ${res.status} ${JSON.stringify(res.body)}`);
      return { openid, token: res.body.token as string, member: res.body.member, body: res.body };
    },
  };
  return f;
}

export function expectEnvelope(res: { status: number; body: any }, status: number, code?: string) {
  expect({ status: res.status, code: res.body?.error?.code }).toEqual({
    status,
    code: code ?? res.body?.error?.code,
  });
  expect(typeof res.body.error.message).toBe('string');
}
