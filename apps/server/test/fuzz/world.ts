import { AlliancesService } from '../../src/alliances/alliances.service';
import { TransactionRunner } from '../../src/common/transactions';
import { StaffService } from '../../src/staff/staff.service';
import { factories } from '../factories';
import type { TestApp, TestResponse } from '../harness';
import { paidOrders } from '../paid-orders';
import type { Hint } from './openapi';
import type { Rng } from './prng';

/** Kinds of caller; `admin2` runs a second alliance, so every id of its tenant belongs to someone else. */
export const CALLERS = [
  'anonymous',
  'member',
  'member2',
  'clerk',
  'merchantAdmin',
  'admin',
  'admin2',
] as const;
export type Caller = (typeof CALLERS)[number];

/** What a path parameter names, from the path segment before it. */
type Resource = 'merchant' | 'staff' | 'template' | 'coupon' | 'share' | 'mallItem' | 'order' | 'scene';
const RESOURCE_BY_SEGMENT: Record<string, Resource> = {
  merchants: 'merchant',
  staff: 'staff',
  'coupon-templates': 'template',
  offers: 'template',
  coupons: 'coupon',
  shares: 'share',
  items: 'mallItem',
  orders: 'order',
  scenes: 'scene',
};

/** Ids no row has, or that are not ids at all; already encoded for a URL path. */
const ODD_IDS = [
  'abc',
  '-1',
  '0',
  '1.5',
  '1e3',
  '99999999999999999999',
  '9'.repeat(300),
  '%201',
  'null',
  encodeURIComponent('😀'),
  '%00',
  '%E0%A4%A',
  '..%2F1',
  encodeURIComponent("1' OR '1'='1"),
];

const TIER_CODES = ['normal', 'silver', 'gold', 'diamond'];
const PASSWORD = 'password123';

/**
 * The seeded data the fuzzer aims at: two merchants of the alliance and a merchant of a second
 * alliance, members with coupons, share tokens, pending and paid orders and a mall pickup, and staff
 * accounts that only serve as targets (disabling or resetting them never ends a caller's session).
 */
export async function seedWorld(t: TestApp) {
  const f = factories(t);
  const pay = paidOrders(t);
  const admin = await f.adminToken();
  const [a, b] = [await f.merchant(), await f.merchant()];
  const clerk = await f.staff(a.id);
  const merchantAdmin = await f.staff(a.id, 'merchant_admin');
  const victims = [await f.staff(a.id), await f.staff(b.id), await f.staff(b.id, 'merchant_admin')];
  const decoy = await f.staff(a.id);
  const qrA = await f.qrcode(a.id);

  const other = await secondAlliance(t);
  const m1 = await f.member({ scene: qrA.scene });
  const m2 = await f.member();
  const m3 = await f.member({ scene: other.scene });

  const tAlliance = await f.template({ stock: 1000, perMemberLimit: 5 });
  const tMerchant = await f.template({
    issuer: { type: 'merchant', merchantId: a.id },
    usableAt: 'merchant',
    merchantIds: [a.id],
    kind: 'amount',
    valueFen: 300,
    thresholdFen: 1000,
  });
  const tOther = await f.template({}, other.admin);
  const coupons = [
    await f.claim(m1.token, tAlliance.id),
    await f.claim(m1.token, tMerchant.id),
    await f.claim(m2.token, tAlliance.id),
    await f.claim(m3.token, tOther.id),
  ];
  const toShare = await f.claim(m1.token, tAlliance.id);
  const share = await succeeded(t.api('POST', `/me/coupons/${toShare.id}/share`, { token: m1.token }));

  await f.purchase(clerk.token, m1.token, 100_000);
  const pickupItem = await f.mallItem({ merchantId: a.id, stock: 100, perMemberLimit: 50 });
  const couponItem = await f.mallItem({
    fulfilment: 'coupon',
    couponTemplateId: tAlliance.id,
    stock: 100,
    perMemberLimit: 50,
  });
  const otherItem = await succeeded(
    t.api('POST', '/admin/mall/items', {
      token: other.admin,
      body: {
        title: '他盟商品',
        pointsPrice: 1,
        cashFen: 0,
        stock: 5,
        perMemberLimit: 1,
        fulfilment: 'pickup',
        merchantId: other.merchantId,
      },
    }),
  );
  const redeemed = await succeeded(
    t.api('POST', `/mall/items/${pickupItem.id}/redeem`, { token: m1.token, body: { quantity: 1 } }),
  );

  const orders = [
    (
      await succeeded(
        t.api('POST', '/orders', { token: m1.token, body: { merchantId: a.id, amountFen: 5000 } }),
      )
    ).order,
    await pay.pay(m1.token, { merchantId: a.id, amountFen: 8000 }),
    await pay.pay(m1.token, { merchantId: a.id, amountFen: 3000 }),
    await pay.pay(m2.token, { merchantId: b.id, amountFen: 6000 }),
  ];
  const login = (path: string, username: string, password: string) =>
    succeeded(t.api('POST', path, { body: { username, password } }));
  const refreshTokens = [
    (await login('/staff/login', decoy.username, PASSWORD)).refreshToken,
    (await login('/admin/login', 'admin', 'admin123')).refreshToken,
  ];

  const all: Record<Resource, string[]> = {
    merchant: [a.id, b.id, other.merchantId],
    staff: [...victims.map((v) => v.id), other.staffId],
    template: [tAlliance.id, tMerchant.id, tOther.id],
    coupon: [...coupons.map((c) => c.id), toShare.id],
    share: [share.shareToken, 'not-a-token'],
    mallItem: [pickupItem.id, couponItem.id, otherItem.id],
    order: orders.map((o) => o.id),
    scene: [qrA.scene, other.scene],
  };
  // What each caller may act on: most requests aim at these, the rest at someone else's.
  const alliance1 = { merchant: [a.id, b.id], scene: [qrA.scene], mallItem: [pickupItem.id, couponItem.id] };
  const own: Record<Caller, Partial<Record<Resource, string[]>>> = {
    anonymous: { share: all.share, scene: all.scene },
    member: {
      ...alliance1,
      template: [tAlliance.id, tMerchant.id],
      coupon: [coupons[0].id, coupons[1].id, toShare.id],
      order: orders.slice(0, 3).map((o) => o.id),
    },
    member2: { ...alliance1, template: [tAlliance.id], coupon: [coupons[2].id], order: [orders[3].id] },
    clerk: {
      merchant: [a.id],
      coupon: coupons.slice(0, 2).map((c) => c.id),
      order: orders.slice(1, 3).map((o) => o.id),
    },
    merchantAdmin: {
      merchant: [a.id],
      staff: [victims[0].id],
      template: [tMerchant.id],
      order: orders.slice(1, 3).map((o) => o.id),
    },
    admin: {
      ...alliance1,
      staff: victims.map((v) => v.id),
      template: [tAlliance.id, tMerchant.id],
      order: orders.map((o) => o.id),
    },
    admin2: {
      merchant: [other.merchantId],
      staff: [other.staffId],
      template: [tOther.id],
      mallItem: [otherItem.id],
      scene: [other.scene],
    },
  };
  const stores = [a.stores[0].id, b.stores[0].id];
  const members = [m1, m2];
  const pickupCodes = [redeemed.pickupCode, '0000000000'];

  const tokens: Record<Caller, string | undefined> = {
    anonymous: undefined,
    member: m1.token,
    member2: m2.token,
    clerk: clerk.token,
    merchantAdmin: merchantAdmin.token,
    admin,
    admin2: other.admin,
  };

  /** Mostly one of the caller's own, else anyone's. */
  const realId = (rng: Rng, resource: Resource, caller: Caller) => {
    const mine = own[caller][resource];
    return rng.pick(mine?.length && rng.chance(0.75) ? mine : all[resource]);
  };

  /** A real id for the path parameter of `path` most of the time, else an odd one. */
  function pathId(rng: Rng, caller: Caller, path: string, param: string): string {
    const segments = path.split('/');
    const before = segments[segments.indexOf(`{${param}}`) - 1];
    const resource = RESOURCE_BY_SEGMENT[before] ?? (param === 'merchantId' ? 'merchant' : undefined);
    if (!rng.chance(0.85)) return rng.pick(ODD_IDS);
    // a route the table does not know yet gets real ids of every kind
    return encodeURIComponent(resource ? realId(rng, resource, caller) : rng.pick(Object.values(all).flat()));
  }

  /** Answers to remember: share tokens and pickup codes made while fuzzing become targets too. */
  function learn(body: unknown) {
    const found = body as { shareToken?: unknown; pickupCode?: unknown } | null;
    if (typeof found?.shareToken === 'string') all.share.push(found.shareToken);
    if (typeof found?.pickupCode === 'string') pickupCodes.push(found.pickupCode);
  }

  /** Field values that look real: seeded ids, fresh WeChat codes, the right login for login routes. */
  function hints(rng: Rng, caller: Caller): Hint {
    const memberOf = () => (caller === 'admin2' ? m3 : rng.pick(members));
    const loginCode = () => f.loginCode(rng.chance(0.4) ? `o_fz_${rng.hex(10)}` : memberOf().openid);
    const merchantId = () => realId(rng, 'merchant', caller);
    return async (field, owner, op) => {
      const login = op.path === '/staff/login' || op.path === '/admin/login';
      switch (field) {
        case '':
          return owner === 'CreateCouponTemplateDto'
            ? couponTemplate(rng, caller === 'merchantAdmin' ? a.id : undefined, merchantId())
            : owner === 'CreateMallItemDto'
              ? mallItem(rng, merchantId(), realId(rng, 'template', caller))
              : undefined;
        case 'merchantId':
          return merchantId();
        case 'storeId':
          return rng.pick(stores);
        case 'couponId':
          return realId(rng, 'coupon', caller);
        case 'templateId':
        case 'couponTemplateId':
        case 'rewardTemplateId':
          return realId(rng, 'template', caller);
        case 'shareToken':
          return realId(rng, 'share', caller);
        case 'pickupCode':
          return rng.pick(pickupCodes);
        case 'refreshToken':
          return rng.pick(refreshTokens);
        case 'memberCode':
          return f.memberCode(memberOf().token);
        case 'minTierCode':
          return rng.pick(TIER_CODES);
        case 'tiers':
          return owner === 'TiersDto' ? tierLadder(rng) : undefined;
        case 'code':
          if (owner === 'TierDto') return rng.pick(TIER_CODES);
          return op.path === '/me/phone' ? f.phoneCode(`139${rng.int(1e8)}`.padEnd(11, '0')) : loginCode();
        case 'username':
          return login ? (op.path === '/admin/login' ? 'admin' : decoy.username) : undefined;
        case 'password':
          return login ? (op.path === '/admin/login' ? 'admin123' : PASSWORD) : undefined;
        default:
          return undefined;
      }
    };
  }

  return { tokens, pathId, hints, learn };
}

/** A template the server accepts: the kinds' own fields, fixed or relative validity, either issuer. */
function couponTemplate(rng: Rng, ownMerchantId: string | undefined, merchantId: string) {
  const kind = rng.pick(['amount', 'discount', 'no_threshold', 'gift'] as const);
  const issuerMerchant = ownMerchantId ?? (rng.chance(0.3) ? merchantId : undefined);
  const days = 1 + rng.int(30);
  return {
    title: `券${rng.hex(6)}`,
    kind,
    ...(kind === 'discount'
      ? { discountPermille: 500 + rng.int(499), maxDiscountFen: 100 + rng.int(5000) }
      : { valueFen: 100 + rng.int(2000) }),
    thresholdFen: kind === 'no_threshold' ? 0 : rng.pick([0, 1000, 5000]),
    stock: 1 + rng.int(1000),
    perMemberLimit: 1 + rng.int(3),
    ...(rng.chance(0.5)
      ? { validDays: days }
      : {
          validFrom: new Date(Date.now() - 3_600_000).toISOString(),
          validUntil: new Date(Date.now() + days * 86_400_000).toISOString(),
        }),
    ...(issuerMerchant || rng.chance(0.3)
      ? { usableAt: 'merchant', merchantIds: [issuerMerchant ?? merchantId] }
      : { usableAt: 'alliance' }),
    audience: rng.pick(['all', 'new_members']),
    firstOrderOnly: rng.chance(0.2),
    forwardable: rng.chance(0.5),
    joinGift: rng.chance(0.1),
    issuer: issuerMerchant ? { type: 'merchant', merchantId: issuerMerchant } : { type: 'alliance' },
  };
}

/** A mall item the server accepts: picked up at a merchant, or a coupon of a template. */
function mallItem(rng: Rng, merchantId: string, couponTemplateId: string) {
  return {
    title: `商品${rng.hex(6)}`,
    pointsPrice: 1 + rng.int(500),
    cashFen: 0,
    stock: 1 + rng.int(100),
    perMemberLimit: 1 + rng.int(3),
    ...(rng.chance(0.5) ? { fulfilment: 'pickup', merchantId } : { fulfilment: 'coupon', couponTemplateId }),
  };
}

export type World = Awaited<ReturnType<typeof seedWorld>>;

/** The body of a seeding request that has to succeed. */
async function succeeded(request: Promise<TestResponse>): Promise<any> {
  const res = await request;
  if (res.status >= 300) throw new Error(`seeding the fuzz world: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** A ladder the server would accept, for PUT /admin/tiers to start from. */
function tierLadder(rng: Rng) {
  return TIER_CODES.slice(0, 2 + rng.int(3)).map((code, i) => ({
    code,
    name: `${code}卡`,
    minSpendFen: i * 100_000,
    discountPermille: 1000 - i * 20,
    pointsMultiplierPermille: 1000 + i * 250,
  }));
}

/**
 * A second tenant. Alliances are made by the bootstrap, not by the API, so its row and admin come from
 * the services; everything else goes through HTTP like any other client's data.
 */
async function secondAlliance(t: TestApp) {
  const username = `admin2_${Date.now().toString(36)}`;
  await t.app.get(TransactionRunner).run(async (em) => {
    const alliance = await t.app.get(AlliancesService).create(em, '第二联盟');
    await t.app.get(StaffService).ensureAllianceAdmin(em, alliance.id, username, PASSWORD);
  });
  const admin: string = (
    await succeeded(t.api('POST', '/admin/login', { body: { username, password: PASSWORD } }))
  ).token;
  const merchant = await succeeded(
    t.api('POST', '/admin/merchants', { token: admin, body: { name: '他盟商户' } }),
  );
  const staff = await succeeded(
    t.api('POST', `/admin/merchants/${merchant.id}/staff`, {
      token: admin,
      body: { username: `${username}_clerk`, password: PASSWORD, role: 'clerk' },
    }),
  );
  const qr = await succeeded(
    t.api('POST', '/admin/qrcodes', { token: admin, body: { merchantId: merchant.id } }),
  );
  return { admin, merchantId: merchant.id as string, staffId: staff.id as string, scene: qr.scene as string };
}
