import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { priceOrder } from '@allycard/domain';
import { getCurrentInstance, navigateTo, redirectTo, showToast, taroTest } from './__mocks__/taro';
import PayPage from '../src/pages/pay/index';
import { resetMerchantNames } from '../src/services/merchants';
import type { OrderRequest } from '@allycard/contracts';
import { apiError, coupon, merchants, mockServer, profile, walletCoupon, type SentRequest } from './helpers';

const VALID = { validFrom: '2026-01-01T00:00:00.000Z', validUntil: '2099-12-31T15:59:59.000Z' };
/** ¥10 off, no threshold, first order only, anywhere in the alliance */
const firstOrder = {
  ...coupon,
  ...VALID,
  id: '11',
  title: '新人首单立减',
  valueFen: 1000,
  description: '无门槛减10元',
};
/** ¥20 off from ¥100, at 老街咖啡 only: worth more, but the first-order coupon comes first */
const bigger = { ...walletCoupon, ...VALID, id: '21' };
/** at another merchant only */
const elsewhere = { ...walletCoupon, ...VALID, id: '31', title: '面包工坊券', merchantIds: ['4'] };

const tiers = [
  {
    code: 'normal',
    name: '普通会员',
    minSpendFen: 0,
    discountPermille: 1000,
    pointsMultiplierPermille: 1000,
  },
  {
    code: 'silver',
    name: '银卡',
    minSpendFen: 100000,
    discountPermille: 1000,
    pointsMultiplierPermille: 1000,
  },
];
const POINTS = 1280;

/** The server's preview: the same domain function the server prices with. */
function previewOf(body: OrderRequest, memberDay = false) {
  const c = [firstOrder, bigger, elsewhere].find((x) => x.id === body.couponId) ?? null;
  const result = priceOrder({
    amountFen: body.amountFen,
    tierDiscountPermille: 1000,
    memberDayDiscount: memberDay ? { offPermille: 100, offFen: null } : null,
    coupon: c && {
      ...c,
      maxDiscountFen: null,
      validFrom: new Date(c.validFrom),
      validUntil: new Date(c.validUntil),
    },
    merchantId: body.merchantId,
    hasPurchased: false,
    pointsRequested: body.points ?? 0,
    pointsBalance: POINTS,
    pointValueFen: 1,
    now: new Date(),
  });
  if (!result.ok) return apiError(result.refusal.status, result.refusal.code, result.refusal.message);
  return {
    status: 200,
    body: {
      merchantId: body.merchantId,
      ...result.price,
      pointsEarned: Math.floor(result.price.payableFen / 100) * (memberDay ? 2 : 1),
      ...(memberDay && {
        earning: { multiplierPermille: 2000, memberDay: true, promotionIds: [], capped: false },
      }),
      couponId: body.couponId ?? null,
      pointsBalance: POINTS,
      pointValueFen: 1,
    },
  };
}

const pendingOrder = {
  id: '501',
  outTradeNo: 'AC20261125000000000042',
  merchantId: '3',
  status: 'pending',
  amountFen: 12800,
  couponDiscountFen: 1000,
  tierDiscountFen: 0,
  pointsUsed: 0,
  pointsDiscountFen: 0,
  payableFen: 11800,
  pointsEarned: 0,
  couponId: '11',
  refundedFen: 0,
  paidAt: null,
  createdAt: '2026-11-25T02:00:00.000Z',
};
const payParams = {
  timeStamp: '1790000000',
  nonceStr: 'n0nce',
  package: 'prepay_id=wx42',
  signType: 'RSA',
  paySign: 'c2lnbg==',
};

function payServer(routes: Parameters<typeof mockServer>[0] = {}) {
  return mockServer({
    'GET /api/v1/merchants': { status: 200, body: merchants },
    'GET /api/v1/me': { status: 200, body: profile },
    'GET /api/v1/tiers': { status: 200, body: tiers },
    'GET /api/v1/me/coupons?status=available': { status: 200, body: [bigger, firstOrder, elsewhere] },
    'POST /api/v1/orders/preview': (req) => previewOf(req.body as OrderRequest),
    ...routes,
  });
}

const previews = (sent: SentRequest[]) => sent.filter((r) => r.path === '/api/v1/orders/preview');

function typeAmount(container: HTMLElement, value: string) {
  fireEvent.change(container.querySelector('.pay__amount-input input') as HTMLInputElement, {
    target: { value },
  });
}

/** The sandbox cashier, once it is open. */
function paySheet(container: HTMLElement): Promise<HTMLElement> {
  return waitFor(() => {
    const sheet = container.querySelector<HTMLElement>('.pay-sheet__body');
    if (!sheet) throw new Error('the pay sheet is not open');
    return sheet;
  });
}

async function payable(container: HTMLElement, text: string) {
  await waitFor(() => expect(container.querySelector('.pay__payable')?.textContent).toBe(text));
}

beforeEach(() => {
  resetMerchantNames();
  taroTest.storage.set('allycard.memberToken', 'member-token');
  getCurrentInstance.mockReturnValue({ router: { params: { merchantId: '3' } } });
});

describe('付款', () => {
  it('preselects the first-order coupon over a bigger one and shows the server’s price', async () => {
    const sent = payServer();
    const { container } = render(<PayPage />);
    expect(await screen.findByText('老街咖啡')).toBeTruthy();
    typeAmount(container, '128');
    await payable(container, '¥118.00');
    expect(previews(sent).map((r) => r.body)).toEqual([
      { merchantId: '3', amountFen: 12800, couponId: '11' },
    ]);
    const couponRow = container.querySelector('.pay__row--coupon') as HTMLElement;
    expect(within(couponRow).getByText('新人首单立减')).toBeTruthy();
    expect(within(couponRow).getByText('-¥10.00 ›')).toBeTruthy();
    expect(screen.getByText('预计获得 118 积分 · 共省 ¥10.00')).toBeTruthy();
    expect(screen.getByText('确认支付 ¥118.00')).toBeTruthy();
  });

  it('shows the member day’s discount and doubled points from the server’s preview on the day', async () => {
    payServer({ 'POST /api/v1/orders/preview': (req) => previewOf(req.body as OrderRequest, true) });
    const { container } = render(<PayPage />);
    expect(await screen.findByText('老街咖啡')).toBeTruthy();
    typeAmount(container, '128');
    // 12800 − 10% = 11520, then the ¥10 first-order coupon
    await payable(container, '¥105.20');
    const row = container.querySelector('.pay__row--member-day') as HTMLElement;
    expect(within(row).getByText('会员日优惠')).toBeTruthy();
    expect(within(row).getByText('-¥12.80')).toBeTruthy();
    expect(screen.getByText('今天会员日 再享 -¥12.80 · 本单积分 双倍')).toBeTruthy();
    expect(screen.getByText('预计获得 210 积分 · 共省 ¥22.80')).toBeTruthy();
  });

  it('asks for a new preview once the typing pauses, with the amount in fen', async () => {
    const sent = payServer();
    const { container } = render(<PayPage />);
    await screen.findByText('老街咖啡');
    typeAmount(container, '1');
    typeAmount(container, '12');
    typeAmount(container, '128');
    await payable(container, '¥118.00');
    typeAmount(container, '200.5');
    await payable(container, '¥190.50');
    expect(previews(sent).map((r) => (r.body as OrderRequest).amountFen)).toEqual([12800, 20050]);
  });

  it('names the points switch as a switch and marks 确认支付 off until there is a price', async () => {
    payServer();
    const { container } = render(<PayPage />);
    await screen.findByText('老街咖啡');
    const toggle = container.querySelector('.pay__points-switch');
    // in a browser a real role: Taro would write NutUI's ariaRole as an unknown aria-role attribute
    expect(toggle?.getAttribute('role')).toBe('switch');
    expect(container.querySelector('.pay__submit')?.getAttribute('aria-disabled')).toBe('true');
  });

  it('says an amount of 0 must be above 0, and opens the decimal number pad', async () => {
    const sent = payServer();
    const { container } = render(<PayPage />);
    await screen.findByText('老街咖啡');
    expect(container.querySelector('.pay__amount-input input')?.getAttribute('inputmode')).toBe('decimal');
    typeAmount(container, '0');
    expect(await screen.findByText('金额要大于 0 元')).toBeTruthy();
    await new Promise((r) => setTimeout(r, 400));
    expect(previews(sent)).toHaveLength(0);
  });

  it('refuses an amount with more than two decimals without asking the server', async () => {
    const sent = payServer();
    const { container } = render(<PayPage />);
    await screen.findByText('老街咖啡');
    typeAmount(container, '12.345');
    expect(await screen.findByText('金额请填数字，最多两位小数')).toBeTruthy();
    await new Promise((r) => setTimeout(r, 400));
    expect(previews(sent)).toHaveLength(0);
    expect(
      screen.getByText('确认支付').closest('.nut-button')?.classList.contains('nut-button-disabled'),
    ).toBe(true);
  });

  it('prices with the next best coupon when the server says the member bought before', async () => {
    const sent = payServer({
      'POST /api/v1/orders/preview': (req) =>
        (req.body as OrderRequest).couponId === '11'
          ? apiError(422, 'FIRST_ORDER_ONLY', '此券仅限首单使用')
          : previewOf(req.body as OrderRequest),
    });
    const { container } = render(<PayPage />);
    await screen.findByText('老街咖啡');
    typeAmount(container, '128');
    await payable(container, '¥108.00');
    expect(previews(sent).map((r) => (r.body as OrderRequest).couponId)).toEqual(['11', '21']);
    expect(showToast).not.toHaveBeenCalled();
    // the switch is said, not silent
    expect(screen.getByText('「新人首单立减」不能用：此券仅限首单使用，已换成其他优惠')).toBeTruthy();
  });

  it('never preselects a first-order coupon for a member GET /me says bought before', async () => {
    const sent = payServer({ 'GET /api/v1/me': { status: 200, body: { ...profile, hasPurchased: true } } });
    const { container } = render(<PayPage />);
    await screen.findByText('老街咖啡');
    typeAmount(container, '128');
    await payable(container, '¥108.00');
    expect(previews(sent).map((r) => (r.body as OrderRequest).couponId)).toEqual(['21']);
    expect(container.querySelector('.pay__coupon-switched')).toBeNull();
  });

  it('uses the points when the switch is on, and no coupon when the member says so', async () => {
    const sent = payServer();
    const { container } = render(<PayPage />);
    await screen.findByText('老街咖啡');
    typeAmount(container, '128');
    await payable(container, '¥118.00');
    fireEvent.click(container.querySelector('.pay__points-switch') as HTMLElement);
    await payable(container, '¥105.20');
    expect(previews(sent).at(-1)?.body).toEqual({
      merchantId: '3',
      amountFen: 12800,
      couponId: '11',
      points: POINTS,
    });
    expect(screen.getByText('用 1280 积分')).toBeTruthy();

    fireEvent.click(screen.getByText('优惠券'));
    const picker = container.querySelector('.pay-picker--coupons') as HTMLElement;
    // the coupon of another merchant is not offered at all
    expect(within(picker).queryByText('面包工坊券')).toBeNull();
    expect(within(picker).getByText('✓ 省¥10.00')).toBeTruthy();
    fireEvent.click(within(picker).getByText('不使用优惠券'));
    await payable(container, '¥115.20');
    expect(previews(sent).at(-1)?.body).toEqual({ merchantId: '3', amountFen: 12800, points: POINTS });
  });

  it('picks the merchant from the list when the page opens without one', async () => {
    getCurrentInstance.mockReturnValue({ router: { params: {} } });
    const sent = payServer();
    const { container } = render(<PayPage />);
    fireEvent.click(await screen.findByText('选择商户'));
    fireEvent.click(
      within(container.querySelector('.pay-picker--merchants') as HTMLElement).getByText('面包工坊'),
    );
    typeAmount(container, '50');
    // 面包工坊: the first-order coupon works anywhere; 老街咖啡's coupon does not apply here
    await payable(container, '¥40.00');
    expect(previews(sent).at(-1)?.body).toEqual({ merchantId: '4', amountFen: 5000, couponId: '11' });
  });

  it('creates the order with an Idempotency-Key, pays in the sandbox sheet and opens the result', async () => {
    let looks = 0;
    const sent = payServer({
      'POST /api/v1/orders': { status: 201, body: { order: pendingOrder, payParams } },
      [`POST /sandbox/wechat/pay/${pendingOrder.outTradeNo}/confirm`]: {
        status: 200,
        body: { delivered: true, httpStatus: 204 },
      },
      'GET /api/v1/orders/501': () => {
        looks++;
        return { status: 200, body: { ...pendingOrder, status: 'paid', pointsEarned: 118 } };
      },
    });
    const { container } = render(<PayPage />);
    await screen.findByText('老街咖啡');
    typeAmount(container, '128');
    fireEvent.click(await screen.findByText('确认支付 ¥118.00'));

    const sheet = await paySheet(container);
    expect(within(sheet).getByText('微信支付')).toBeTruthy();
    expect(within(sheet).getByText('老街咖啡')).toBeTruthy();
    expect(within(sheet).getByText('¥118.00')).toBeTruthy();
    const create = sent.find((r) => r.method === 'POST' && r.path === '/api/v1/orders');
    expect(create?.body).toEqual({ merchantId: '3', amountFen: 12800, couponId: '11' });
    expect(create?.headers['idempotency-key']).toMatch(/^[\w-]{1,64}$/);
    expect(create?.headers.authorization).toBe('Bearer member-token');

    fireEvent.click(within(sheet).getByText('确认支付'));
    await waitFor(() => expect(redirectTo).toHaveBeenCalledWith({ url: '/pages/pay/result?id=501' }));
    expect(sent.some((r) => r.path === `/sandbox/wechat/pay/${pendingOrder.outTradeNo}/confirm`)).toBe(true);
    expect(looks).toBe(1);
  });

  it('goes to the result as cancelled when the sheet is closed, without paying', async () => {
    const sent = payServer({
      'POST /api/v1/orders': { status: 201, body: { order: pendingOrder, payParams } },
    });
    const { container } = render(<PayPage />);
    await screen.findByText('老街咖啡');
    typeAmount(container, '128');
    fireEvent.click(await screen.findByText('确认支付 ¥118.00'));
    const sheet = await paySheet(container);
    fireEvent.click(within(sheet).getByText('取消'));
    await waitFor(() =>
      expect(redirectTo).toHaveBeenCalledWith({ url: '/pages/pay/result?id=501&state=cancelled' }),
    );
    expect(sent.some((r) => r.path.startsWith('/sandbox/wechat/pay/'))).toBe(false);
    expect(showToast).not.toHaveBeenCalled();
  });

  it('opens the result at once when coupon and points cover everything', async () => {
    payServer({
      'POST /api/v1/orders': {
        status: 201,
        body: { order: { ...pendingOrder, status: 'paid', payableFen: 0 }, payParams: null },
      },
    });
    const { container } = render(<PayPage />);
    await screen.findByText('老街咖啡');
    typeAmount(container, '128');
    fireEvent.click(await screen.findByText('确认支付 ¥118.00'));
    await waitFor(() => expect(redirectTo).toHaveBeenCalledWith({ url: '/pages/pay/result?id=501' }));
    expect(container.querySelector('.pay-sheet__body')).toBeNull();
  });

  it('shows the server message when the coupon was used meanwhile, and reloads', async () => {
    const sent = payServer({
      'POST /api/v1/orders': apiError(409, 'COUPON_NOT_AVAILABLE', '该券已被使用或不可用'),
    });
    const { container } = render(<PayPage />);
    await screen.findByText('老街咖啡');
    typeAmount(container, '128');
    fireEvent.click(await screen.findByText('确认支付 ¥118.00'));
    await waitFor(() =>
      expect(showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '该券已被使用或不可用' })),
    );
    await waitFor(() =>
      expect(sent.filter((r) => r.path === '/api/v1/me/coupons?status=available')).toHaveLength(2),
    );
    expect(redirectTo).not.toHaveBeenCalled();
  });
});

describe('买单 on the card', () => {
  it('leads from the card page to the pay page', async () => {
    const CardPage = (await import('../src/pages/card/index')).default;
    mockServer({
      'GET /api/v1/me': { status: 200, body: profile },
      'GET /api/v1/me/member-code': {
        status: 200,
        body: { code: '123400000000017', expiresAt: new Date(Date.now() + 60_000).toISOString() },
      },
    });
    render(<CardPage />);
    fireEvent.click(await screen.findByText('买单'));
    expect(navigateTo).toHaveBeenCalledWith({ url: '/pages/pay/index' });
  });
});
