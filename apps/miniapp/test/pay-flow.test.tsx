import { useState } from 'react';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import {
  getCurrentInstance,
  hideLoading,
  navigateTo,
  redirectTo,
  request,
  requestPayment,
  showLoading,
  setClipboardData,
  showToast,
  switchTab,
  taroTest,
} from './__mocks__/taro';
import PayResultPage from '../src/pages/pay/result';
import OrdersPage from '../src/pages/pay/orders';
import { resetMerchantNames } from '../src/services/merchants';
import { usePayment, waitUntilSettled, type PaymentOutcome, type PayRequest } from '../src/services/payment';
import { apiError, merchants, mockServer, profile, walletCoupon } from './helpers';

const order = {
  id: '501',
  outTradeNo: 'AC20261125000000000042',
  merchantId: '3',
  status: 'pending' as const,
  amountFen: 12800,
  couponDiscountFen: 1000,
  tierDiscountFen: 0,
  pointsUsed: 0,
  pointsDiscountFen: 0,
  payableFen: 11800,
  pointsEarned: 0,
  couponId: '11',
  refundedFen: 0,
  paidAt: null as string | null,
  createdAt: '2026-11-25T02:00:00.000Z',
};
const paid = { ...order, status: 'paid' as const, pointsEarned: 118, paidAt: '2026-11-25T02:01:00.000Z' };
const payParams = {
  timeStamp: '1790000000',
  nonceStr: 'n0nce',
  package: 'prepay_id=wx42',
  signType: 'RSA',
  paySign: 'c2lnbg==',
};
const payRequest: PayRequest = {
  orderId: '501',
  outTradeNo: order.outTradeNo,
  payableFen: 11800,
  payee: '老街咖啡',
  payParams,
};
const CONFIRM = `POST /sandbox/wechat/pay/${order.outTradeNo}/confirm`;

beforeEach(() => {
  resetMerchantNames();
  taroTest.storage.set('allycard.memberToken', 'member-token');
});

function paySheet(container: HTMLElement): Promise<HTMLElement> {
  return waitFor(() => {
    const sheet = container.querySelector<HTMLElement>('.pay-sheet__body');
    if (!sheet) throw new Error('the pay sheet is not open');
    return sheet;
  });
}

/** A page that pays once and shows the outcome. */
function Harness() {
  const payment = usePayment();
  const [outcome, setOutcome] = useState<PaymentOutcome | null>(null);
  return (
    <div>
      <button type="button" onClick={() => void payment.pay(payRequest).then(setOutcome)}>
        pay
      </button>
      {outcome ? <p data-testid="outcome">{JSON.stringify(outcome)}</p> : null}
      {payment.sheet}
    </div>
  );
}

const outcomeOf = async () => JSON.parse((await screen.findByTestId('outcome')).textContent!);

describe('h5 pay sheet (WeChat Pay sandbox)', () => {
  it('shows payee and amount, confirms through the sandbox and polls the order until paid', async () => {
    let looks = 0;
    const sent = mockServer({
      [CONFIRM]: { status: 200, body: { delivered: true, httpStatus: 204 } },
      // the notification is what marks it paid: the first look may still find it pending
      'GET /api/v1/orders/501': () => ({ status: 200, body: ++looks < 2 ? order : paid }),
    });
    const { container } = render(<Harness />);
    fireEvent.click(screen.getByText('pay'));
    const sheet = await paySheet(container);
    expect(within(sheet).getByText('微信支付')).toBeTruthy();
    expect(within(sheet).getByText('老街咖啡')).toBeTruthy();
    expect(within(sheet).getByText('¥118.00')).toBeTruthy();
    // nothing is paid until the payer confirms
    expect(sent).toHaveLength(0);

    fireEvent.click(within(sheet).getByText('确认支付'));
    expect(await outcomeOf()).toEqual({ status: 'paid', order: paid });
    expect(sent.map((r) => `${r.method} ${r.path}`)).toEqual([
      CONFIRM,
      'GET /api/v1/orders/501',
      'GET /api/v1/orders/501',
    ]);
    expect(sent[0].body).toBeUndefined();
    expect(showLoading).toHaveBeenCalledWith(expect.objectContaining({ title: '正在确认支付结果' }));
    expect(hideLoading).toHaveBeenCalled();
    expect(requestPayment).not.toHaveBeenCalled();
    await waitFor(() => expect(container.querySelector('.pay-sheet__body')).toBeNull());
  });

  it('answers cancelled when the payer taps 取消, without touching the sandbox', async () => {
    const sent = mockServer({});
    const { container } = render(<Harness />);
    fireEvent.click(screen.getByText('pay'));
    fireEvent.click(within(await paySheet(container)).getByText('取消'));
    expect(await outcomeOf()).toEqual({ status: 'cancelled' });
    expect(sent).toHaveLength(0);
    expect(showToast).not.toHaveBeenCalled();
  });

  it('keeps the sheet open with the sandbox’s message when confirming fails', async () => {
    mockServer({ [CONFIRM]: apiError(409, 'ORDER_CLOSED', '订单已关闭') });
    const { container } = render(<Harness />);
    fireEvent.click(screen.getByText('pay'));
    const sheet = await paySheet(container);
    fireEvent.click(within(sheet).getByText('确认支付'));
    await waitFor(() =>
      expect(showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '订单已关闭', icon: 'none' })),
    );
    expect(container.querySelector('.pay-sheet__body')).toBeTruthy();
    expect(screen.queryByTestId('outcome')).toBeNull();
  });

  it('takes an order the sandbox already holds as paid (ALREADY_PAID) and asks the server', async () => {
    mockServer({
      [CONFIRM]: apiError(409, 'ALREADY_PAID', 'The order is already paid'),
      'GET /api/v1/orders/501': { status: 200, body: paid },
    });
    const { container } = render(<Harness />);
    fireEvent.click(screen.getByText('pay'));
    fireEvent.click(within(await paySheet(container)).getByText('确认支付'));
    expect((await outcomeOf()).status).toBe('paid');
  });
});

describe('waiting for the payment notification', () => {
  it('looks a bounded number of times and gives up with null while the order stays pending', async () => {
    const sent = mockServer({ 'GET /api/v1/orders/501': { status: 200, body: order } });
    const waits: number[] = [];
    const result = await waitUntilSettled('501', [0, 10, 20], async (ms) => void waits.push(ms));
    expect(result).toBeNull();
    expect(sent).toHaveLength(3);
    expect(waits).toEqual([10, 20]);
  });

  it('keeps looking after a failed look', async () => {
    let looks = 0;
    mockServer({
      'GET /api/v1/orders/501': () =>
        ++looks === 1 ? apiError(503, 'UNAVAILABLE', '忙') : { status: 200, body: paid },
    });
    expect(await waitUntilSettled('501', [0, 1], async () => undefined)).toEqual(paid);
  });
});

describe('weapp pay (wx.requestPayment)', () => {
  const weapp = jest.requireActual('../src/platform/pay.ts') as typeof import('../src/platform/pay');

  it('hands WeChat the signed JSAPI fields', async () => {
    await expect(weapp.requestWechatPayment(payRequest)).resolves.toEqual({ status: 'confirmed' });
    expect(requestPayment).toHaveBeenCalledWith(payParams);
    expect(request).not.toHaveBeenCalled();
  });

  it('takes closing the cashier as a choice, not an error', async () => {
    requestPayment.mockRejectedValue({ errMsg: 'requestPayment:fail cancel' });
    await expect(weapp.requestWechatPayment(payRequest)).resolves.toEqual({ status: 'cancelled' });
    expect(showToast).not.toHaveBeenCalled();
  });

  it('fails with a friendly message otherwise', async () => {
    requestPayment.mockRejectedValue({ errMsg: 'requestPayment:fail no permission' });
    await expect(weapp.requestWechatPayment(payRequest)).resolves.toEqual({
      status: 'failed',
      message: '微信支付没有完成，请稍后重试',
    });
  });
});

describe('scanning a merchant’s code (weapp)', () => {
  const scan = jest.requireActual('../src/platform/scan.ts') as typeof import('../src/platform/scan');

  it('reads the scene from the path a 小程序码 opens, or from a link', () => {
    expect(scan.sceneOfScan('pages/join/index?scene=m3%2Ds1')).toBe('m3-s1');
    expect(scan.sceneOfScan('https://example.com/#/pages/join/index?x=1&scene=AbC9')).toBe('AbC9');
    expect(scan.sceneOfScan('just some text')).toBeNull();
  });
});

describe('支付结果', () => {
  const forwardable = { ...walletCoupon, validUntil: '2099-12-31T15:59:59.000Z' };

  function resultServer(body: object, coupons: object[] = [forwardable]) {
    return mockServer({
      'GET /api/v1/orders/501': { status: 200, body },
      'GET /api/v1/me': { status: 200, body: { ...profile, points: 118 } },
      'GET /api/v1/merchants': { status: 200, body: merchants },
      'GET /api/v1/me/coupons?status=available': { status: 200, body: coupons },
    });
  }

  it('shows what was paid and saved, the points earned and the card’s points, and invites a friend', async () => {
    getCurrentInstance.mockReturnValue({ router: { params: { id: '501' } } });
    taroTest.storage.set('allycard.welcomeCoupons', JSON.stringify([{ id: '11' }, { id: '12' }]));
    resultServer(paid);
    const { container } = render(<PayResultPage />);
    expect(await screen.findByText('支付成功')).toBeTruthy();
    // the join gift used here leaves the card's 入会礼 block; the other stays
    expect(JSON.parse(taroTest.storage.get('allycard.welcomeCoupons') as string)).toEqual([{ id: '12' }]);
    expect(screen.getByText('老街咖啡')).toBeTruthy();
    expect(screen.getByText('¥118.00')).toBeTruthy();
    expect(screen.getByText('本单共省 ¥10.00')).toBeTruthy();
    const row = (key: string) =>
      container.querySelector(`.pay-result__row--${key} .pay-result__value`)?.textContent;
    expect(row('amount')).toBe('¥128.00');
    expect(row('earned')).toBe('+118 积分');
    expect(row('balance')).toBe('118 积分');
    expect(screen.getByText('你有 1 张券可以转赠，送给好友一起省')).toBeTruthy();
    fireEvent.click(screen.getByText('去转赠'));
    expect(navigateTo).toHaveBeenCalledWith({ url: '/coupon/detail/index?id=21' });
    fireEvent.click(screen.getByText('完成'));
    expect(switchTab).toHaveBeenCalledWith({ url: '/pages/card/index' });
  });

  it('shows a refund as such: 已退款 with the amount, the points taken back and the coupon, and the order number', async () => {
    getCurrentInstance.mockReturnValue({ router: { params: { id: '501' } } });
    resultServer({
      ...paid,
      couponId: '11',
      status: 'refunded',
      refundedFen: 11800,
      refundSummary: {
        processingFen: 0,
        refundedFen: 11800,
        pointsClawedBack: 118,
        pointsReturned: 0,
        couponReturned: true,
        refundedAt: '2026-11-26T02:00:00.000Z',
      },
    });
    const { container } = render(<PayResultPage />);
    expect(await screen.findByText('已退款', { selector: '.pay-result__title' })).toBeTruthy();
    expect(screen.queryByText('支付成功')).toBeNull();
    expect(screen.getByText('¥118.00 已原路退回')).toBeTruthy();
    const row = (key: string) =>
      container.querySelector(`.pay-result__row--${key} .pay-result__value`)?.textContent;
    expect(row('refunded')).toBe('¥118.00');
    expect(row('clawed')).toBe('-118 积分');
    expect(row('coupon')).toBe('已退回券包');
    // the same last digits the staff order list shows
    expect(row('no')).toBe(`${order.outTradeNo.slice(-8)} 复制`);
    fireEvent.click(container.querySelector('.pay-result__row--no') as HTMLElement);
    expect(setClipboardData).toHaveBeenCalledWith({ data: order.outTradeNo });
    // a refunded order invites nobody
    expect(screen.queryByText('邀请好友')).toBeNull();
  });

  it('says 退款中 while WeChat has not answered, and 部分退款 after a part came back', async () => {
    getCurrentInstance.mockReturnValue({ router: { params: { id: '501' } } });
    const summary = {
      processingFen: 5000,
      refundedFen: 0,
      pointsClawedBack: 0,
      pointsReturned: 0,
      couponReturned: false,
      refundedAt: null,
    };
    resultServer({ ...paid, refundSummary: summary });
    const first = render(<PayResultPage />);
    expect(await screen.findByText('退款中', { selector: '.pay-result__title' })).toBeTruthy();
    expect(screen.getByText('¥50.00 正在退回，微信支付通常 1–3 个工作日到账')).toBeTruthy();
    first.unmount();
    resultServer({
      ...paid,
      status: 'partially_refunded',
      refundedFen: 5000,
      refundSummary: { ...summary, processingFen: 0, refundedFen: 5000, pointsClawedBack: 50 },
    });
    render(<PayResultPage />);
    expect(await screen.findByText('部分退款', { selector: '.pay-result__title' })).toBeTruthy();
    expect(screen.getByText('已退回 ¥50.00')).toBeTruthy();
  });

  it('has no invitation without a coupon to forward', async () => {
    getCurrentInstance.mockReturnValue({ router: { params: { id: '501' } } });
    resultServer(paid, []);
    render(<PayResultPage />);
    await screen.findByText('支付成功');
    expect(screen.queryByText('邀请好友')).toBeNull();
  });

  it('offers 重新支付 after a cancelled payment, and pays the same order again', async () => {
    getCurrentInstance.mockReturnValue({ router: { params: { id: '501', state: 'cancelled' } } });
    let paidNow = false;
    const sent = mockServer({
      'GET /api/v1/orders/501': () => ({ status: 200, body: paidNow ? paid : { ...order, payParams } }),
      'GET /api/v1/me': { status: 200, body: profile },
      'GET /api/v1/merchants': { status: 200, body: merchants },
      'GET /api/v1/me/coupons?status=available': { status: 200, body: [] },
      [CONFIRM]: () => {
        paidNow = true;
        return { status: 200, body: { delivered: true, httpStatus: 204 } };
      },
    });
    const { container } = render(<PayResultPage />);
    expect(await screen.findByText('支付已取消')).toBeTruthy();
    expect(screen.getByText('订单保留 15 分钟，超时未付将自动关闭，券和积分退回')).toBeTruthy();
    fireEvent.click(screen.getByText('重新支付'));
    fireEvent.click(within(await paySheet(container)).getByText('确认支付'));
    expect(await screen.findByText('支付成功')).toBeTruthy();
    expect(redirectTo).not.toHaveBeenCalled();
    expect(sent.filter((r) => r.method === 'POST').map((r) => r.path)).toEqual([
      `/sandbox/wechat/pay/${order.outTradeNo}/confirm`,
    ]);
  });

  it('says a closed order was closed and offers to order again at the merchant', async () => {
    getCurrentInstance.mockReturnValue({ router: { params: { id: '501' } } });
    resultServer({ ...order, status: 'closed' });
    render(<PayResultPage />);
    expect(await screen.findByText('订单已关闭')).toBeTruthy();
    fireEvent.click(screen.getByText('重新下单'));
    expect(redirectTo).toHaveBeenCalledWith({ url: '/pages/pay/index?merchantId=3' });
  });
});

describe('我的订单', () => {
  it('lists payments with merchant, state, amounts and date; a tap opens the order', async () => {
    mockServer({
      'GET /api/v1/orders': {
        status: 200,
        body: [
          { ...paid, id: '502', status: 'partially_refunded', refundedFen: 3000 },
          { ...order, merchantId: '4', couponDiscountFen: 0, payableFen: 5000, amountFen: 5000 },
        ],
      },
      'GET /api/v1/merchants': { status: 200, body: merchants },
    });
    const { container } = render(<OrdersPage />);
    const rows = await waitFor(() => {
      const found = Array.from(container.querySelectorAll<HTMLElement>('.pay-order'));
      if (found.length !== 2) throw new Error('orders not shown yet');
      return found;
    });
    expect(within(rows[0]).getByText('老街咖啡')).toBeTruthy();
    expect(within(rows[0]).getByText('部分退款')).toBeTruthy();
    expect(within(rows[0]).getByText('¥118.00')).toBeTruthy();
    expect(within(rows[0]).getByText('原价 ¥128.00')).toBeTruthy();
    expect(within(rows[0]).getByText('2026-11-25 10:01 · 省 ¥10.00 · +118 积分')).toBeTruthy();
    expect(within(rows[0]).getByText('已退款 ¥30.00')).toBeTruthy();
    expect(within(rows[1]).getByText('面包工坊')).toBeTruthy();
    expect(within(rows[1]).getByText('待支付')).toBeTruthy();
    fireEvent.click(within(rows[1]).getByText('去支付 ›'));
    expect(navigateTo).toHaveBeenCalledWith({ url: '/pages/pay/result?id=501' });
  });

  it('has an empty state leading to 买单', async () => {
    mockServer({
      'GET /api/v1/orders': { status: 200, body: [] },
      'GET /api/v1/merchants': { status: 200, body: merchants },
    });
    render(<OrdersPage />);
    fireEvent.click(await screen.findByText('去买单'));
    expect(redirectTo).toHaveBeenCalledWith({ url: '/pages/pay/index' });
  });
});
