import { expectEnvelope, factories } from './factories';
import { startTestApp, TestApp, TEST_DB } from './harness';

type Role = 'member' | 'admin' | 'clerk';

/** Routes whose path names a row: what cannot be an id answers the same 404 as an id nobody has. */
const ROUTES: Array<
  [method: string, path: (id: string) => string, role: Role, what: string, body?: Record<string, unknown>]
> = [
  ['GET', (id) => `/orders/${id}`, 'member', '订单'],
  ['POST', (id) => `/orders/${id}/cancel`, 'member', '订单'],
  ['GET', (id) => `/mall/items/${id}`, 'member', '商品'],
  ['POST', (id) => `/mall/items/${id}/redeem`, 'member', '商品', { quantity: 1 }],
  ['POST', (id) => `/offers/${id}/claim`, 'member', '优惠券'],
  ['GET', (id) => `/me/coupons/${id}`, 'member', '优惠券'],
  ['POST', (id) => `/me/coupons/${id}/share`, 'member', '优惠券'],
  ['GET', (id) => `/admin/coupon-templates/${id}`, 'admin', '券模板'],
  ['POST', (id) => `/admin/coupon-templates/${id}/pause`, 'admin', '券模板'],
  ['POST', (id) => `/admin/mall/items/${id}/pause`, 'admin', '商品'],
  ['GET', (id) => `/admin/merchants/${id}`, 'admin', '商户'],
  ['GET', (id) => `/admin/merchants/${id}/staff`, 'admin', '商户'],
  ['POST', (id) => `/admin/staff/${id}/disable`, 'admin', '员工账号'],
  ['DELETE', (id) => `/admin/staff-limits/merchants/${id}`, 'admin', '商户'],
  ['POST', (id) => `/staff/redemptions/${id}/void`, 'clerk', '记录', { reason: '金额输错' }],
];

const NOT_IDS = ['abc', '12345678901234567890', '-1', '1.5', '0x10', '%20'];

describe(`path ids (${TEST_DB})`, () => {
  let t: TestApp;
  const tokens = {} as Record<Role, string>;

  beforeAll(async () => {
    t = await startTestApp();
    const f = factories(t);
    tokens.member = (await f.member()).token;
    tokens.admin = await f.adminToken();
    tokens.clerk = (await f.staff((await f.merchant()).id)).token;
  });
  afterAll(() => t.close());

  it.each(ROUTES.map(([m, p, r, w, b]) => [m, p(':id'), p, r, w, b] as const))(
    '%s %s answers 404 for what cannot be an id',
    async (method, _name, path, role, what, body) => {
      for (const notId of NOT_IDS) {
        const res = await t.api(method, path(notId), {
          token: tokens[role],
          ...(method === 'GET' ? {} : { body: body ?? {} }),
        });
        expectEnvelope(res, 404, 'NOT_FOUND');
        expect(res.body.error.message).toBe(`${what}不存在`);
      }
    },
  );

  it.each(ROUTES.map(([m, p, r, w, b]) => [m, p(':id'), p, r, w, b] as const))(
    '%s %s answers 404 for an id nobody has',
    async (method, _name, path, role, what, body) => {
      const res = await t.api(method, path('9007199254740993'), {
        token: tokens[role],
        ...(method === 'GET' ? {} : { body: body ?? {} }),
      });
      expectEnvelope(res, 404, 'NOT_FOUND');
      expect(res.body.error.message).toBe(`${what}不存在`);
    },
  );
});
