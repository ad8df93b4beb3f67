import { ApiError, type Coupon } from '@allycard/contracts';
import {
  forgetWelcomeCoupon,
  loadWelcomeCoupons,
  markWelcomeSeen,
  saveWelcomeCoupons,
  welcomeSeen,
} from '../src/services/welcome';
import { memberApi, memberToken, staffApi, staffToken } from '../src/services/api';
import { couponDescription, couponFace, offerValidity, usableText } from '../src/services/coupon-text';
import { answeredForGood, createActionKeys, newIdempotencyKey } from '../src/services/idempotency';
import { merchantNames, resetMerchantNames } from '../src/services/merchants';
import { parseYuanToFen } from '../src/services/money';
import {
  pickupCodeText,
  mallItemBlock,
  maxQuantity,
  pointsEntryTitle,
  signedPoints,
} from '../src/services/points-text';
import { forgetShare, recallShare, rememberShare } from '../src/services/share-cache';
import { formatDate, formatDateTime } from '../src/services/dates';
import { apiError, mallItem, merchants, mockServer, offer, walletCoupon } from './helpers';

describe('api client: coupons, sharing, points, mall, counter', () => {
  beforeEach(() => {
    memberToken.set('member-token');
    staffToken.set('staff-token');
  });

  it('claims an offer with the caller’s Idempotency-Key and the member token', async () => {
    const sent = mockServer({ 'POST /api/v1/offers/t9/claim': { status: 201, body: walletCoupon } });
    await expect(memberApi.claimOffer('t9', 'key-1')).resolves.toMatchObject({ id: '21' });
    expect(sent[0].headers).toMatchObject({
      'idempotency-key': 'key-1',
      authorization: 'Bearer member-token',
    });
  });

  it('reads the wallet, one coupon, points history pages and mall orders at their paths', async () => {
    const sent = mockServer({
      'GET /api/v1/me/coupons?status=used': { status: 200, body: [] },
      'GET /api/v1/me/coupons/21': { status: 200, body: walletCoupon },
      'GET /api/v1/me/points/history?before=77': { status: 200, body: [] },
      'GET /api/v1/me/mall-orders': { status: 200, body: [] },
    });
    await memberApi.coupons('used');
    await memberApi.coupon('21');
    await memberApi.pointsHistory('77');
    await memberApi.mallOrders();
    expect(sent.map((r) => `${r.method} ${r.path}`)).toEqual([
      'GET /api/v1/me/coupons?status=used',
      'GET /api/v1/me/coupons/21',
      'GET /api/v1/me/points/history?before=77',
      'GET /api/v1/me/mall-orders',
    ]);
  });

  it('shares, cancels, previews and accepts a forwarded coupon', async () => {
    const sent = mockServer({
      'POST /api/v1/me/coupons/21/share': {
        status: 201,
        body: { shareToken: 'tok', expiresAt: '2025-11-25T08:00:00Z', path: 'pages/share/index?token=tok' },
      },
      'DELETE /api/v1/me/coupons/21/share': { status: 200, body: walletCoupon },
      'GET /api/v1/shares/tok': {
        status: 200,
        body: { coupon: walletCoupon, fromNickname: '小王', status: 'open' },
      },
      'POST /api/v1/shares/tok/accept': { status: 200, body: { token: 't2', coupon: walletCoupon } },
    });
    await memberApi.shareCoupon('21');
    await memberApi.cancelShare('21');
    await memberApi.sharePreview('tok');
    await memberApi.acceptShare('tok', 'login-code');
    expect(sent[3]).toMatchObject({ method: 'POST', body: { code: 'login-code' } });
  });

  it('redeems a mall item with its quantity and a key', async () => {
    const sent = mockServer({ 'POST /api/v1/mall/items/5/redeem': { status: 201, body: {} } });
    await memberApi.redeemMallItem('5', 2, 'key-2');
    expect(sent[0]).toMatchObject({
      body: { quantity: 2 },
      headers: expect.objectContaining({ 'idempotency-key': 'key-2' }),
    });
  });

  it('sends counter redemptions and pickups with the staff token', async () => {
    const sent = mockServer({
      'POST /api/v1/staff/redemptions': { status: 201, body: {} },
      'POST /api/v1/staff/pickups': { status: 200, body: {} },
    });
    await staffApi.redeemAtCounter({ memberCode: '123', couponId: '21', amountFen: 12000 }, 'key-3');
    await staffApi.fulfilPickup('1234567890');
    expect(sent[0]).toMatchObject({
      body: { memberCode: '123', couponId: '21', amountFen: 12000 },
      headers: expect.objectContaining({ authorization: 'Bearer staff-token', 'idempotency-key': 'key-3' }),
    });
    expect(sent[1].body).toEqual({ pickupCode: '1234567890' });
  });
});

describe('idempotency keys', () => {
  it('are 1–64 visible ASCII characters and differ every time', () => {
    const keys = new Set(Array.from({ length: 50 }, () => newIdempotencyKey()));
    expect(keys.size).toBe(50);
    for (const key of keys) expect(key).toMatch(/^[\x21-\x7e]{1,64}$/);
  });

  it('reuse the key when a retry follows an unknown outcome, and take a new one after an answer', async () => {
    let n = 0;
    const keys = createActionKeys(() => `k${++n}`);
    const used: string[] = [];
    const send = (outcome: unknown) => (key: string) => {
      used.push(key);
      return outcome instanceof Error ? Promise.reject(outcome) : Promise.resolve(outcome);
    };
    await expect(keys.run('claim:1', send(new ApiError(0, 'NETWORK_ERROR', '网络')))).rejects.toThrow();
    await expect(keys.run('claim:1', send(new ApiError(502, 'HTTP_502', '网关')))).rejects.toThrow();
    await expect(
      keys.run('claim:1', send(new ApiError(409, 'IDEMPOTENCY_CONFLICT', '处理中'))),
    ).rejects.toThrow();
    await keys.run('claim:1', send('ok'));
    await keys.run('claim:1', send('ok'));
    await expect(keys.run('claim:1', send(new ApiError(409, 'LIMIT_REACHED', '每人限领')))).rejects.toThrow();
    await keys.run('claim:1', send('ok'));
    await keys.run('claim:2', send('ok'));
    expect(used).toEqual(['k1', 'k1', 'k1', 'k1', 'k2', 'k3', 'k4', 'k5']);
  });

  it('count only real answers below 500 as final', () => {
    expect(answeredForGood(new ApiError(422, 'THRESHOLD_NOT_MET', 'x'))).toBe(true);
    expect(answeredForGood(new ApiError(401, 'UNAUTHENTICATED', 'x'))).toBe(false);
    expect(answeredForGood(new ApiError(429, 'RATE_LIMITED', 'x'))).toBe(false);
    expect(answeredForGood(new ApiError(500, 'INTERNAL_ERROR', 'x'))).toBe(false);
    expect(answeredForGood(new TypeError('x'))).toBe(false);
  });
});

describe('parseYuanToFen', () => {
  it.each([
    ['120', 12000],
    ['12.3', 1230],
    ['12.34', 1234],
    ['0.1', 10],
    ['.5', 50],
    ['¥ 1,200.50', 120050],
    ['0.07', 7],
  ])('reads %s as %d fen', (text, fen) => expect(parseYuanToFen(text)).toBe(fen));

  it.each(['', '.', 'abc', '-5', '1.234', '1e3', '10000000.01'])('refuses %p', (text) =>
    expect(parseYuanToFen(text)).toBeNull(),
  );
});

describe('coupon text', () => {
  const names = new Map(merchants.map((m) => [m.id, m.name]));

  it('says where a coupon is usable', () => {
    expect(usableText({ usableAt: 'alliance', merchantIds: [] }, names)).toBe('全联盟通用');
    expect(usableText({ usableAt: 'merchant', merchantIds: ['3'] }, names)).toBe('老街咖啡可用');
    expect(usableText({ usableAt: 'merchant', merchantIds: ['3', '4', '9'] }, names)).toBe(
      '老街咖啡等 3 家可用',
    );
    expect(usableText({ usableAt: 'merchant', merchantIds: ['9'] }, names)).toBe('指定商户可用');
  });

  it('tells an offer’s validity before it is claimed', () => {
    expect(offerValidity(offer)).toBe('领取后 30 天内有效');
    expect(offerValidity({ validDays: null, validUntil: '2026-11-30T16:00:00.000Z' })).toBe(
      '有效期至 2026-12-01',
    );
  });

  it('writes a rule when the server sent no description', () => {
    expect(couponDescription({ ...offer, description: '' })).toBe('满100减20');
    expect(
      couponDescription({
        ...offer,
        description: '',
        kind: 'discount',
        valueFen: null,
        discountPermille: 850,
        maxDiscountFen: 3000,
        thresholdFen: 0,
      }),
    ).toBe('8.5折 最高减30');
  });

  it('shows a discount exactly, never rounded up to one that reads as none', () => {
    const discount = { ...offer, kind: 'discount' as const, valueFen: null, maxDiscountFen: null };
    expect(couponFace({ ...discount, discountPermille: 999 })).toBe('9.99折');
    expect(couponFace({ ...discount, discountPermille: 885 })).toBe('8.85折');
    expect(couponFace({ ...discount, discountPermille: 880 })).toBe('8.8折');
  });

  it('formats times in the Shanghai calendar', () => {
    expect(formatDate('2025-12-31T16:30:00Z')).toBe('2026-01-01');
    expect(formatDateTime('2025-12-31T16:30:00Z')).toBe('2026-01-01 00:30');
    expect(formatDate('not a date')).toBe('');
  });
});

describe('points and mall text', () => {
  it('names points entries by what caused them', () => {
    expect(pointsEntryTitle({ kind: 'earn', source: 'redemption' })).toBe('到店消费');
    expect(pointsEntryTitle({ kind: 'spend', source: 'mall_order' })).toBe('积分商城兑换');
    expect(pointsEntryTitle({ kind: 'reward', source: 'referral' })).toBe('邀请好友奖励');
    expect(pointsEntryTitle({ kind: 'reward', source: 'campaign' })).toBe('活动赠送积分');
    expect(pointsEntryTitle({ kind: 'expire', source: 'lot_expiry' })).toBe('积分过期');
    expect(signedPoints(120)).toBe('+120');
    expect(signedPoints(-300)).toBe('-300');
  });

  it('knows why an item cannot be redeemed and how many can', () => {
    expect(mallItemBlock(mallItem, 1280)).toBeNull();
    expect(mallItemBlock({ ...mallItem, remaining: 0 }, 1280)).toBe('sold_out');
    expect(mallItemBlock({ ...mallItem, redeemedByMe: 2 }, 1280)).toBe('limit_reached');
    expect(mallItemBlock(mallItem, 299)).toBe('insufficient_points');
    expect(maxQuantity(mallItem, 1280)).toBe(2);
    expect(maxQuantity({ ...mallItem, perMemberLimit: 10 }, 1280)).toBe(4);
    expect(maxQuantity({ ...mallItem, perMemberLimit: 10, remaining: 3 }, 99999)).toBe(3);
    expect(maxQuantity(mallItem, 100)).toBe(0);
  });

  it('groups a pickup code for reading aloud', () => {
    expect(pickupCodeText('1234567890')).toBe('12345 67890');
  });
});

describe('merchant names', () => {
  afterEach(() => resetMerchantNames());

  it('fetches once and answers from memory after that', async () => {
    memberToken.set('t');
    const sent = mockServer({ 'GET /api/v1/merchants': { status: 200, body: merchants } });
    expect((await merchantNames()).get('3')).toBe('老街咖啡');
    await merchantNames();
    expect(sent).toHaveLength(1);
  });

  it('answers an empty map when the list cannot be loaded', async () => {
    mockServer({ 'GET /api/v1/merchants': apiError(503, 'UNAVAILABLE', '忙') });
    expect((await merchantNames()).size).toBe(0);
  });
});

describe('share cache', () => {
  const share = {
    shareToken: 'tok',
    expiresAt: '2025-11-25T08:00:00.000Z',
    path: 'pages/share/index?token=tok',
  };
  const before = Date.parse('2025-11-25T07:00:00Z');
  const after = Date.parse('2025-11-25T09:00:00Z');

  it('keeps a share link until it expires or is forgotten', () => {
    rememberShare('21', share, before);
    expect(recallShare('21', before)).toEqual(share);
    expect(recallShare('21', after)).toBeNull();
    forgetShare('21', before);
    expect(recallShare('21', before)).toBeNull();
  });
});

describe('join gift on the card', () => {
  const gift = (id: string) => ({ id, title: `券 ${id}` }) as unknown as Coupon;

  it('stays folded once seen when one of its coupons is used, and opens again for a new join', () => {
    saveWelcomeCoupons([gift('a'), gift('b')]);
    expect(welcomeSeen()).toBe(false);
    markWelcomeSeen();
    forgetWelcomeCoupon('a');
    expect(loadWelcomeCoupons().map((c) => c.id)).toEqual(['b']);
    expect(welcomeSeen()).toBe(true);
    saveWelcomeCoupons([gift('c')]);
    expect(welcomeSeen()).toBe(false);
  });
});
