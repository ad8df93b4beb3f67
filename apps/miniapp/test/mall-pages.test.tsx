import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { getCurrentInstance, navigateTo, redirectTo, showToast, taroTest } from './__mocks__/taro';
import PointsPage from '../src/points/balance/index';
import MallPage from '../src/points/mall/index';
import MallItemPage from '../src/points/item/index';
import MallOrdersPage from '../src/points/orders/index';
import { all, apiError, mallItem, mockServer, pickupOrder, pointsSummary } from './helpers';

beforeEach(() => taroTest.storage.set('allycard.memberToken', 'member-token'));

function entries(from: number, count: number) {
  return Array.from({ length: count }, (_, i) => ({
    id: String(from - i),
    kind: 'earn' as const,
    points: 120,
    source: 'redemption',
    merchantId: '3',
    merchantName: '老街咖啡',
    createdAt: '2025-11-24T08:00:00.000Z',
  }));
}

describe('积分', () => {
  it('shows balance, its worth, what expires soon and the history, paging back by `before`', async () => {
    const sent = mockServer({
      'GET /api/v1/me/points': {
        status: 200,
        body: {
          balance: 1280,
          valueFen: 1280,
          expiring: [{ points: 200, expiresAt: '2025-12-31T15:59:59.000Z' }],
        },
      },
      'GET /api/v1/me/points/history': { status: 200, body: entries(200, 50) },
      'GET /api/v1/me/points/history?before=151': {
        status: 200,
        body: [
          { ...entries(150, 1)[0], kind: 'spend', points: -300, source: 'mall_order', merchantName: null },
        ],
      },
    });
    const { container } = render(<PointsPage />);
    expect(await screen.findByText('1280')).toBeTruthy();
    expect(screen.getByText('可抵 ¥12.80')).toBeTruthy();
    expect(screen.getByText('200 积分')).toBeTruthy();
    expect(screen.getByText('2025-12-31 过期')).toBeTruthy();
    expect(all(container, '.points__history .points__row')).toHaveLength(50);
    expect(screen.getAllByText('到店消费')).toHaveLength(50);
    expect(screen.getAllByText('老街咖啡 · 2025-11-24 16:00')).toHaveLength(50);

    act(() => taroTest.reachBottom());
    expect(await screen.findByText('积分商城兑换')).toBeTruthy();
    expect(screen.getByText('-300')).toBeTruthy();
    expect(screen.getByText('没有更早的记录了')).toBeTruthy();
    expect(sent.filter((r) => r.path.startsWith('/api/v1/me/points/history'))).toHaveLength(2);
  });

  it('has an empty history and an error state with the server message', async () => {
    mockServer({
      'GET /api/v1/me/points': { status: 200, body: { balance: 0, valueFen: 0, expiring: [] } },
      'GET /api/v1/me/points/history': { status: 200, body: [] },
    });
    const { unmount } = render(<PointsPage />);
    expect(await screen.findByText('还没有积分记录')).toBeTruthy();
    unmount();
    mockServer({ 'GET /api/v1/me/points': apiError(503, 'UNAVAILABLE', '积分服务忙') });
    render(<PointsPage />);
    expect(await screen.findByText('积分服务忙')).toBeTruthy();
  });
});

describe('积分商城', () => {
  it('lists items with price, how to get them and why one cannot be redeemed', async () => {
    mockServer({
      'GET /api/v1/mall/items': {
        status: 200,
        body: [
          mallItem,
          {
            ...mallItem,
            id: '6',
            title: '保温杯',
            pointsPrice: 5000,
            imageUrl: `/api/v1/uploads/${'a'.repeat(64)}.jpg`,
          },
          { ...mallItem, id: '7', title: '帆布袋', remaining: 0 },
        ],
      },
      'GET /api/v1/me/points': { status: 200, body: pointsSummary },
    });
    const { container } = render(<MallPage />);
    expect(await screen.findByText('手冲咖啡一杯')).toBeTruthy();
    const [coffee, cup, bag] = all(container, '.mall__item');
    expect(within(coffee).getByText('300 积分')).toBeTruthy();
    expect(within(coffee).getByText('到老街咖啡自提 · 剩 12 件')).toBeTruthy();
    expect(within(cup).getByText('积分不足')).toBeTruthy();
    expect(within(bag).getByText('已兑完')).toBeTruthy();
    // a photo where the operator uploaded one, nothing in its place otherwise
    expect(cup.querySelector('.mall__photo')?.getAttribute('src')).toBe(
      `/api/v1/uploads/${'a'.repeat(64)}.jpg`,
    );
    expect(coffee.querySelector('.mall__photo')).toBeNull();
    fireEvent.click(coffee);
    expect(navigateTo).toHaveBeenCalledWith({ url: '/points/item/index?id=5' });
  });
});

describe('兑换', () => {
  function openItem(routes: Parameters<typeof mockServer>[0] = {}) {
    getCurrentInstance.mockReturnValue({ router: { params: { id: '5' } } });
    return mockServer({
      'GET /api/v1/mall/items': { status: 200, body: [mallItem] },
      'GET /api/v1/me/points': { status: 200, body: pointsSummary },
      ...routes,
    });
  }

  it('confirms with the points before and after, redeems with a key and opens the order', async () => {
    const sent = openItem({ 'POST /api/v1/mall/items/5/redeem': { status: 201, body: pickupOrder } });
    render(<MallItemPage />);
    fireEvent.click(await screen.findByText('立即兑换 · 300 积分'));
    expect(await screen.findByText('积分 1280 → 980')).toBeTruthy();
    expect(screen.getByText('消耗 300 积分')).toBeTruthy();
    fireEvent.click(screen.getByText('确认'));
    await waitFor(() => expect(redirectTo).toHaveBeenCalledWith({ url: '/points/orders/index?new=81' }));
    const redeem = sent.find((r) => r.method === 'POST');
    expect(redeem).toMatchObject({ path: '/api/v1/mall/items/5/redeem', body: { quantity: 1 } });
    expect(redeem?.headers['idempotency-key']).toBeTruthy();
    expect(showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '兑换成功' }));
  });

  it('shows the server message when points ran short meanwhile, and stays on the item', async () => {
    openItem({
      'POST /api/v1/mall/items/5/redeem': apiError(409, 'INSUFFICIENT_POINTS', '积分不足，需要 300 积分'),
    });
    render(<MallItemPage />);
    fireEvent.click(await screen.findByText('立即兑换 · 300 积分'));
    fireEvent.click(await screen.findByText('确认'));
    await waitFor(() =>
      expect(showToast).toHaveBeenCalledWith(
        expect.objectContaining({ title: '积分不足，需要 300 积分', icon: 'none' }),
      ),
    );
    expect(redirectTo).not.toHaveBeenCalled();
  });

  it('does not offer what the member cannot redeem', async () => {
    getCurrentInstance.mockReturnValue({ router: { params: { id: '5' } } });
    mockServer({
      'GET /api/v1/mall/items': { status: 200, body: [mallItem] },
      'GET /api/v1/me/points': { status: 200, body: { ...pointsSummary, balance: 100 } },
    });
    render(<MallItemPage />);
    expect(await screen.findByText('还差 200 积分，到联盟商户消费就能攒')).toBeTruthy();
    fireEvent.click(screen.getByText('积分不足'));
    expect(screen.queryByText('积分 100 → -200')).toBeNull();
  });
});

describe('我的兑换', () => {
  it('shows a pickup order’s code as QR and digits, and where to collect it', async () => {
    getCurrentInstance.mockReturnValue({ router: { params: { new: '81' } } });
    mockServer({
      'GET /api/v1/me/mall-orders': {
        status: 200,
        body: [pickupOrder, { ...pickupOrder, id: '80', status: 'fulfilled', title: '帆布袋' }],
      },
    });
    const { container } = render(<MallOrdersPage />);
    expect(await screen.findByText('12345 67890')).toBeTruthy();
    expect(container.querySelector('.pickup-code__qr')?.getAttribute('src')).toMatch(
      /^data:image\/svg\+xml,/,
    );
    expect(screen.getByText('兑换成功')).toBeTruthy();
    expect(screen.getByText('待提货')).toBeTruthy();
    expect(screen.getByText('已在老街咖啡提货')).toBeTruthy();
    expect(container.querySelectorAll('.pickup-code')).toHaveLength(1);
  });

  it('has an empty state leading to the mall', async () => {
    mockServer({ 'GET /api/v1/me/mall-orders': { status: 200, body: [] } });
    render(<MallOrdersPage />);
    fireEvent.click(await screen.findByText('去积分商城'));
    expect(redirectTo).toHaveBeenCalledWith({ url: '/points/mall/index' });
  });
});

describe('兑换 with points + cash', () => {
  const cashItem = { ...mallItem, id: '6', title: '咖啡豆 250g', pointsPrice: 200, cashFen: 3900 };
  const payment = {
    id: '601',
    outTradeNo: 'AC20261125000000000601',
    merchantId: '3',
    status: 'pending',
    amountFen: 3900,
    couponDiscountFen: 0,
    tierDiscountFen: 0,
    pointsUsed: 0,
    pointsDiscountFen: 0,
    payableFen: 3900,
    pointsEarned: 0,
    couponId: null,
    refundedFen: 0,
    paidAt: null,
    createdAt: '2026-11-25T02:00:00.000Z',
  };
  const payParams = {
    timeStamp: '1',
    nonceStr: 'n',
    package: 'prepay_id=wx1',
    signType: 'RSA',
    paySign: 's',
  };
  const pending = {
    ...pickupOrder,
    itemId: '6',
    title: '咖啡豆 250g',
    status: 'pending_payment',
    pointsSpent: 200,
    pickupCode: null,
    cashFen: 3900,
    paymentOrderId: '601',
    payParams,
  };
  const CONFIRM = `POST /sandbox/wechat/pay/${payment.outTradeNo}/confirm`;

  function cashServer(routes: Parameters<typeof mockServer>[0] = {}) {
    getCurrentInstance.mockReturnValue({ router: { params: { id: '6' } } });
    let confirmed = false;
    const sent = mockServer({
      'GET /api/v1/mall/items': { status: 200, body: [cashItem] },
      'GET /api/v1/me/points': { status: 200, body: pointsSummary },
      'POST /api/v1/mall/items/6/redeem': { status: 201, body: pending },
      'GET /api/v1/orders/601': () => ({
        status: 200,
        body: confirmed ? { ...payment, status: 'paid' } : { ...payment, payParams },
      }),
      [CONFIRM]: () => {
        confirmed = true;
        return { status: 200, body: { delivered: true, httpStatus: 204 } };
      },
      ...routes,
    });
    return sent;
  }

  async function redeemAndOpenSheet(container: HTMLElement) {
    fireEvent.click(await screen.findByText('立即兑换 · 200 积分 + ¥39.00'));
    expect(await screen.findByText('另需微信支付 ¥39.00')).toBeTruthy();
    fireEvent.click(screen.getByText('确认'));
    return waitFor(() => {
      const sheet = container.querySelector<HTMLElement>('.pay-sheet__body');
      if (!sheet) throw new Error('the pay sheet is not open');
      return sheet;
    });
  }

  it('shows the price as points + cash, pays the cash part like 买单 and opens the pickup', async () => {
    const sent = cashServer();
    const { container } = render(<MallItemPage />);
    expect(await screen.findByText('200 积分 + ¥39.00')).toBeTruthy();
    const sheet = await redeemAndOpenSheet(container);
    expect(within(sheet).getByText('老街咖啡')).toBeTruthy();
    expect(within(sheet).getByText('¥39.00')).toBeTruthy();
    fireEvent.click(within(sheet).getByText('确认支付'));
    await waitFor(() => expect(redirectTo).toHaveBeenCalledWith({ url: '/points/orders/index?new=81' }));
    expect(showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '兑换成功' }));
    expect(sent.filter((r) => r.method === 'POST').map((r) => r.path)).toEqual([
      '/api/v1/mall/items/6/redeem',
      `/sandbox/wechat/pay/${payment.outTradeNo}/confirm`,
    ]);
  });

  it('keeps a cancelled payment on the page with 继续支付', async () => {
    const sent = cashServer();
    const { container } = render(<MallItemPage />);
    fireEvent.click(within(await redeemAndOpenSheet(container)).getByText('取消'));
    expect(await screen.findByText('支付已取消：还需支付 ¥39.00')).toBeTruthy();
    expect(redirectTo).not.toHaveBeenCalled();
    fireEvent.click(screen.getByText('继续支付'));
    const sheet = await waitFor(() => {
      const el = container.querySelector<HTMLElement>('.pay-sheet__body');
      if (!el) throw new Error('the pay sheet is not open');
      return el;
    });
    fireEvent.click(within(sheet).getByText('确认支付'));
    await waitFor(() => expect(redirectTo).toHaveBeenCalledWith({ url: '/points/orders/index?new=81' }));
    // one exchange, paid on the second try
    expect(sent.filter((r) => r.path === '/api/v1/mall/items/6/redeem')).toHaveLength(1);
  });
});

describe('我的兑换 with points + cash', () => {
  it('shows an unpaid exchange as 待付款 with the way to pay, and a cancelled one as such', async () => {
    mockServer({
      'GET /api/v1/me/mall-orders': {
        status: 200,
        body: [
          {
            ...pickupOrder,
            id: '82',
            status: 'pending_payment',
            pickupCode: null,
            cashFen: 3900,
            paymentOrderId: '601',
          },
          { ...pickupOrder, id: '83', status: 'cancelled', pickupCode: null, cashFen: 3900 },
        ],
      },
    });
    render(<MallOrdersPage />);
    expect(await screen.findByText('待付款')).toBeTruthy();
    expect(screen.getAllByText('消耗 300 积分 + ¥39.00 · 2025-11-24 16:00')).toHaveLength(2);
    expect(screen.getByText('已取消')).toBeTruthy();
    expect(screen.getByText('未付款，兑换已取消，积分已退回')).toBeTruthy();
    fireEvent.click(screen.getByText('去付款 ›'));
    expect(navigateTo).toHaveBeenCalledWith({ url: '/pages/pay/result?id=601' });
  });
});
