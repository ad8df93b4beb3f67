import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { redirectTo, showToast, taroTest } from './__mocks__/taro';
import StaffOrdersPage from '../src/staff/orders/index';
import { apiError, mockServer } from './helpers';

const paid = {
  id: '501',
  outTradeNo: 'AC20261125000000000042',
  merchantId: '3',
  status: 'paid' as const,
  amountFen: 12800,
  couponDiscountFen: 1000,
  tierDiscountFen: 0,
  pointsUsed: 0,
  pointsDiscountFen: 0,
  payableFen: 11800,
  pointsEarned: 118,
  couponId: '11',
  refundedFen: 0,
  paidAt: '2026-11-25T02:01:00.000Z',
  createdAt: '2026-11-25T02:00:00.000Z',
};
const closed = {
  ...paid,
  id: '500',
  outTradeNo: 'AC20261125000000000041',
  status: 'closed' as const,
  paidAt: null,
};

function refundAnswer(amountFen: number) {
  return {
    status: 200,
    body: { ...paid, refund: { id: '9', outRefundNo: 'RF1', amountFen, status: 'processing' } },
  };
}

function orderCard(container: HTMLElement, no: string): HTMLElement {
  return Array.from(container.querySelectorAll<HTMLElement>('.staff-order')).find((el) =>
    el.textContent?.includes(no),
  )!;
}

beforeEach(() => taroTest.storage.set('allycard.staffToken', 'staff-token'));

describe('订单 (staff)', () => {
  it('lists the merchant’s orders; a full refund is confirmed, sent with a key and shown until it settles', async () => {
    let settled = false;
    const sent = mockServer({
      'GET /api/v1/staff/orders': () => ({
        status: 200,
        body: [settled ? { ...paid, status: 'refunded', refundedFen: 11800 } : paid, closed],
      }),
      'POST /api/v1/staff/orders/501/refund': refundAnswer(11800),
    });
    const { container } = render(<StaffOrdersPage />);
    await screen.findByText('订单 00000042');
    const card = orderCard(container, '00000042');
    expect(within(card).getByText('实收 ¥118.00')).toBeTruthy();
    expect(within(card).getByText('已支付')).toBeTruthy();
    // a closed order cannot be refunded
    expect(within(orderCard(container, '00000041')).queryByText('退款')).toBeNull();

    fireEvent.click(within(card).getByText('退款'));
    const dialog = container.querySelector('.staff-orders__dialog') as HTMLElement;
    expect(await within(dialog).findByText('全额 ¥118.00')).toBeTruthy();
    fireEvent.click(within(dialog).getByText('确认退款'));

    expect(await screen.findByText('退款处理中 ¥118.00')).toBeTruthy();
    const post = sent.find((r) => r.method === 'POST');
    expect(post).toMatchObject({ path: '/api/v1/staff/orders/501/refund', body: {} });
    expect(post?.headers).toMatchObject({
      authorization: 'Bearer staff-token',
      'idempotency-key': expect.any(String),
    });
    expect(showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '退款已提交' }));
    expect(within(orderCard(container, '00000042')).queryByText('退款')).toBeNull();

    // WeChat settles it a moment later
    settled = true;
    fireEvent.click(screen.getByText('刷新'));
    expect(await screen.findByText('已退款 ¥118.00')).toBeTruthy();
    expect(screen.queryByText('退款处理中 ¥118.00')).toBeNull();
    expect(within(orderCard(container, '00000042')).getByText('已退款')).toBeTruthy();
  });

  it('refunds part of an order in fen, within what is left', async () => {
    const sent = mockServer({
      'GET /api/v1/staff/orders': { status: 200, body: [paid] },
      'POST /api/v1/staff/orders/501/refund': refundAnswer(5050),
    });
    const { container } = render(<StaffOrdersPage />);
    fireEvent.click(await screen.findByText('退款'));
    const dialog = container.querySelector('.staff-orders__dialog') as HTMLElement;
    fireEvent.click(await within(dialog).findByText('部分退款'));
    const input = dialog.querySelector('.staff-orders__amount-input input') as HTMLInputElement;
    // offered at what is left, in yuan as the clerk would type it
    expect(input.value).toBe('118.00');
    fireEvent.change(input, { target: { value: '200' } });
    fireEvent.click(within(dialog).getByText('确认退款'));
    expect(showToast).toHaveBeenCalledWith(
      expect.objectContaining({ title: '退款金额请填 0.01 到 ¥118.00 之间' }),
    );
    expect(sent.some((r) => r.method === 'POST')).toBe(false);
    // the dialog stays open for a corrected amount
    await waitFor(() => expect(dialog.querySelector('.nut-button-loading')).toBeNull());

    fireEvent.change(input, { target: { value: '50.5' } });
    fireEvent.click(within(dialog).getByText('确认退款'));
    expect(await screen.findByText('退款处理中 ¥50.50')).toBeTruthy();
    expect(sent.find((r) => r.method === 'POST')?.body).toEqual({ amountFen: 5050 });
    // the rest can still be refunded
    expect(within(orderCard(container, '00000042')).getByText('退款')).toBeTruthy();
  });

  it('shows the server’s refusal and reloads', async () => {
    const sent = mockServer({
      'GET /api/v1/staff/orders': { status: 200, body: [paid] },
      'POST /api/v1/staff/orders/501/refund': apiError(409, 'REFUND_EXCEEDS_PAID', '可退金额为 ¥0.00'),
    });
    const { container } = render(<StaffOrdersPage />);
    fireEvent.click(await screen.findByText('退款'));
    fireEvent.click(
      await within(container.querySelector('.staff-orders__dialog') as HTMLElement).findByText('确认退款'),
    );
    await waitFor(() =>
      expect(showToast).toHaveBeenCalledWith(
        expect.objectContaining({ title: '可退金额为 ¥0.00', icon: 'none' }),
      ),
    );
    await waitFor(() => expect(sent.filter((r) => r.path === '/api/v1/staff/orders')).toHaveLength(2));
  });

  it('has an empty state, and sends a clerk whose session ended to the login', async () => {
    mockServer({ 'GET /api/v1/staff/orders': { status: 200, body: [] } });
    const { unmount } = render(<StaffOrdersPage />);
    expect(await screen.findByText('还没有订单')).toBeTruthy();
    unmount();
    mockServer({ 'GET /api/v1/staff/orders': apiError(401, 'UNAUTHENTICATED', '请重新登录') });
    render(<StaffOrdersPage />);
    await waitFor(() => expect(redirectTo).toHaveBeenCalledWith({ url: '/staff/login/index' }));
  });
});
