import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { redirectTo, showToast, taroTest } from './__mocks__/taro';
import StaffRecordsPage, { stillVoidable } from '../src/staff/records/index';
import { apiError, mockServer } from './helpers';

const inAWhile = new Date(Date.now() + 20 * 60_000).toISOString();
const typo = {
  id: '71',
  createdAt: '2026-12-07T02:05:00.000Z',
  memberId: '7',
  cardNoMasked: '6222 **** **** 7894',
  amountFen: 368_000,
  couponDiscountFen: 2000,
  memberDayDiscountFen: 0,
  payableFen: 366_000,
  coupon: { id: '11', title: '满100减20' },
  pointsEarned: 3660,
  firstPurchase: false,
  staffUsername: 'xiaoli',
  voided: null,
  voidableUntil: inAWhile,
};
const older = {
  ...typo,
  id: '70',
  createdAt: '2026-12-07T01:00:00.000Z',
  amountFen: 5000,
  couponDiscountFen: 0,
  memberDayDiscountFen: 0,
  payableFen: 5000,
  coupon: null,
  pointsEarned: 50,
  voidableUntil: null,
};
const me = { id: '5', username: 'xiaoli', role: 'clerk', merchantId: '3', merchantName: '星河咖啡' };

function card(container: HTMLElement, text: string): HTMLElement {
  return Array.from(container.querySelectorAll<HTMLElement>('.staff-record')).find((el) =>
    el.textContent?.includes(text),
  )!;
}

beforeEach(() => taroTest.storage.set('allycard.staffToken', 'staff-token'));

describe('今日记录 (staff)', () => {
  it('shows the store and account, today’s records, and voids one with a reason', async () => {
    const sent = mockServer({
      'GET /api/v1/staff/me': { status: 200, body: me },
      'GET /api/v1/staff/redemptions?day=today': {
        status: 200,
        body: { businessDate: '2026-12-07', items: [typo, older] },
      },
      'POST /api/v1/staff/redemptions/71/void': {
        status: 200,
        body: {
          ...typo,
          voidableUntil: null,
          voided: {
            at: '2026-12-07T02:09:00.000Z',
            reason: '金额输错',
            byUsername: 'xiaoli',
            pointsReversed: 3660,
            couponReturned: true,
          },
        },
      },
    });
    const { container } = render(<StaffRecordsPage />);
    expect(await screen.findByText('星河咖啡')).toBeTruthy();
    expect(screen.getByText('xiaoli · 店员')).toBeTruthy();
    const row = card(container, '10:05');
    expect(within(row).getByText('消费 ¥3680.00')).toBeTruthy();
    expect(within(row).getByText('10:05 · 6222 **** **** 7894')).toBeTruthy();
    expect(within(row).getByText('积分 +3660')).toBeTruthy();
    expect(row.textContent).toContain('满100减20');
    // the older record is past this clerk's window: no 撤销
    expect(within(card(container, '09:00')).queryByText('撤销')).toBeNull();

    fireEvent.click(within(row).getByText('撤销'));
    const dialog = container.querySelector('.staff-records__dialog') as HTMLElement;
    expect(await within(dialog).findByText('撤销这条记录？')).toBeTruthy();
    // a reason is required
    fireEvent.click(within(dialog).getByText('确认撤销'));
    expect(showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '请填写撤销原因' }));
    expect(sent.some((r) => r.method === 'POST')).toBe(false);
    await waitFor(() => expect(dialog.querySelector('.nut-button-loading')).toBeNull());

    fireEvent.change(dialog.querySelector('.staff-records__reason input') as HTMLInputElement, {
      target: { value: ' 金额输错 ' },
    });
    fireEvent.click(within(dialog).getByText('确认撤销'));
    expect(await screen.findByText(/撤销原因：金额输错/)).toBeTruthy();
    expect(sent.find((r) => r.method === 'POST')).toMatchObject({
      path: '/api/v1/staff/redemptions/71/void',
      body: { reason: '金额输错' },
      headers: { authorization: 'Bearer staff-token' },
    });
    const after = card(container, '10:05');
    expect(within(after).getByText('已撤销')).toBeTruthy();
    expect(after.textContent).toContain('扣回积分 3660，券已退回');
    expect(within(after).queryByText('撤销')).toBeNull();
    expect(showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '已撤销' }));
  });

  it.each([
    [409, 'ALREADY_VOIDED', '这条记录已撤销'],
    [404, 'NOT_FOUND', '记录不存在'],
    [403, 'APPROVAL_REQUIRED', '超过30分钟的记录需由店长撤销'],
  ])('shows the server’s %s refusal and reloads the list', async (status, code, message) => {
    const sent = mockServer({
      'GET /api/v1/staff/redemptions?day=today': {
        status: 200,
        body: { businessDate: '2026-12-07', items: [typo] },
      },
      'POST /api/v1/staff/redemptions/71/void': apiError(status, code, message),
    });
    const { container } = render(<StaffRecordsPage />);
    fireEvent.click(await screen.findByText('撤销'));
    const dialog = container.querySelector('.staff-records__dialog') as HTMLElement;
    fireEvent.change(dialog.querySelector('.staff-records__reason input') as HTMLInputElement, {
      target: { value: '重复记录' },
    });
    fireEvent.click(within(dialog).getByText('确认撤销'));
    await waitFor(() =>
      expect(showToast).toHaveBeenCalledWith(expect.objectContaining({ title: message, icon: 'none' })),
    );
    await waitFor(() =>
      expect(sent.filter((r) => r.path === '/api/v1/staff/redemptions?day=today')).toHaveLength(2),
    );
  });

  it('has an empty state and sends an ended session to the login', async () => {
    mockServer({
      'GET /api/v1/staff/redemptions?day=today': {
        status: 200,
        body: { businessDate: '2026-12-07', items: [] },
      },
    });
    const { unmount } = render(<StaffRecordsPage />);
    expect(await screen.findByText('今天还没有记录')).toBeTruthy();
    unmount();
    mockServer({ 'GET /api/v1/staff/redemptions?day=today': apiError(401, 'UNAUTHENTICATED', '请重新登录') });
    render(<StaffRecordsPage />);
    await waitFor(() => expect(redirectTo).toHaveBeenCalledWith({ url: '/staff/login/index' }));
  });

  it('offers 撤销 only before the window the server gave', () => {
    const now = Date.parse('2026-12-07T02:10:00.000Z');
    expect(stillVoidable({ ...typo, voidableUntil: '2026-12-07T02:35:00.000Z' }, now)).toBe(true);
    expect(stillVoidable({ ...typo, voidableUntil: '2026-12-07T02:10:00.000Z' }, now)).toBe(false);
    expect(stillVoidable({ ...typo, voidableUntil: null }, now)).toBe(false);
  });
});
