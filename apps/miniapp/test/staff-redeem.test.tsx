import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { redirectTo, showToast, taroTest } from './__mocks__/taro';
import StaffVerifyPage from '../src/staff/verify/index';
import StaffPickupPage from '../src/staff/pickup/index';
import { apiError, coupon, member, mockServer, pickupOrder, walletCoupon, pageRequests } from './helpers';

const MEMBER_CODE = '123400000000017';

function type(container: HTMLElement, selector: string, value: string) {
  fireEvent.change(container.querySelector(`${selector} input`) as HTMLInputElement, { target: { value } });
}

function lookupServer(routes: Parameters<typeof mockServer>[0] = {}) {
  return mockServer({
    'POST /api/v1/staff/members/lookup': { status: 200, body: { member, coupons: [walletCoupon, coupon] } },
    ...routes,
  });
}

async function verify(container: HTMLElement) {
  type(container, '.verify__input', MEMBER_CODE);
  fireEvent.click(screen.getByText('查询'));
  await screen.findByText('消费金额');
}

function couponTicket(container: HTMLElement, title: string): HTMLElement {
  return Array.from(container.querySelectorAll<HTMLElement>('.coupon-item')).find((el) =>
    el.textContent?.includes(title),
  )!;
}

beforeEach(() => taroTest.storage.set('allycard.staffToken', 'staff-token'));

describe('核销 at the counter', () => {
  const redemption = {
    id: '301',
    memberId: '7',
    merchantId: '3',
    amountFen: 12000,
    couponDiscountFen: 2000,
    memberDayDiscountFen: 0,
    payableFen: 10000,
    firstPurchase: true,
    coupon: { ...walletCoupon, status: 'used' },
    pointsEarned: 100,
    createdAt: '2025-11-24T08:00:00.000Z',
  };

  it('redeems a coupon with the amount in fen after a confirmation, and shows what the member pays', async () => {
    const sent = lookupServer({ 'POST /api/v1/staff/redemptions': { status: 201, body: redemption } });
    const { container } = render(<StaffVerifyPage />);
    await verify(container);
    expect(within(couponTicket(container, '老街满减券')).getByText('本店可用')).toBeTruthy();
    type(container, '.verify__amount-input', '120');
    fireEvent.click(within(couponTicket(container, '老街满减券')).getByText('核销'));
    expect(await screen.findByText('预计优惠 ¥20.00，实付 ¥100.00')).toBeTruthy();
    fireEvent.click(screen.getByText('确认'));

    expect(await screen.findByText('核销成功')).toBeTruthy();
    expect(screen.getByText('-¥20.00')).toBeTruthy();
    expect(screen.getByText('¥100.00')).toBeTruthy();
    expect(screen.getByText('+100')).toBeTruthy();
    expect(screen.getByText('首单')).toBeTruthy();
    const post = sent.find((r) => r.path === '/api/v1/staff/redemptions');
    expect(post?.body).toEqual({ memberCode: MEMBER_CODE, couponId: '21', amountFen: 12000 });
    expect(post?.headers).toMatchObject({
      authorization: 'Bearer staff-token',
      'idempotency-key': expect.any(String),
    });

    fireEvent.click(screen.getByText('下一位顾客'));
    expect(await screen.findByText('等待验卡')).toBeTruthy();
  });

  it('records a purchase without a coupon (amount only) and needs the amount for it', async () => {
    const sent = lookupServer({
      'POST /api/v1/staff/redemptions': {
        status: 201,
        body: {
          ...redemption,
          coupon: null,
          couponDiscountFen: 0,
          payableFen: 8850,
          amountFen: 8850,
          pointsEarned: 88,
          firstPurchase: false,
        },
      },
    });
    const { container } = render(<StaffVerifyPage />);
    await verify(container);
    fireEvent.click(screen.getByText('仅记录消费（不用券，攒积分）'));
    expect(showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '请先输入消费金额' }));
    type(container, '.verify__amount-input', '88.5');
    fireEvent.click(screen.getByText('仅记录消费（不用券，攒积分）'));
    // the member still holds a first-order coupon: offered first, declined with one tap, with the cost said
    expect(await screen.findByText('顾客首单，已选用首单券「新人无门槛券」')).toBeTruthy();
    fireEvent.click(screen.getByText('不用此券，仅记录消费'));
    expect(await screen.findByText('顾客首单：首单券「新人无门槛券」记录后将失效')).toBeTruthy();
    fireEvent.click(screen.getByText('确认'));
    expect(await screen.findByText('已记录消费')).toBeTruthy();
    expect(screen.getByText('+88')).toBeTruthy();
    expect(screen.queryByText('首单')).toBeNull();
    expect(sent.find((r) => r.path === '/api/v1/staff/redemptions')?.body).toEqual({
      memberCode: MEMBER_CODE,
      amountFen: 8850,
    });
  });

  it('shows the member day’s extra discount before confirming (today 再减 ¥x，应收 ¥y) and in the result', async () => {
    const sent = mockServer({
      'POST /api/v1/staff/members/lookup': {
        status: 200,
        body: {
          member,
          coupons: [walletCoupon],
          memberDayDiscount: { offPermille: 100, offFen: null, text: '再享 9 折' },
        },
      },
      'POST /api/v1/staff/redemptions': {
        status: 201,
        body: {
          ...redemption,
          coupon: null,
          amountFen: 12000,
          couponDiscountFen: 0,
          memberDayDiscountFen: 1200,
          payableFen: 10800,
          pointsEarned: 216,
          firstPurchase: false,
        },
      },
    });
    const { container } = render(<StaffVerifyPage />);
    await verify(container);
    expect(screen.getByText('今天会员日 再享 9 折')).toBeTruthy();
    type(container, '.verify__amount-input', '120');
    fireEvent.click(screen.getByText('仅记录消费（不用券，攒积分）'));
    expect(await screen.findByText('今天会员日 再减 ¥12.00，应收 ¥108.00')).toBeTruthy();
    fireEvent.click(screen.getByText('取消'));
    // with the ¥20-off coupon (threshold ¥100, met by the ¥108 the member day leaves): both, in order
    fireEvent.click(within(couponTicket(container, '老街满减券')).getByText('核销'));
    expect(await screen.findByText('今天会员日 再减 ¥12.00，应收 ¥88.00')).toBeTruthy();
    expect(screen.getByText('券再优惠 ¥20.00')).toBeTruthy();
    fireEvent.click(screen.getByText('取消'));
    // ¥110 less 10% is ¥99: under the coupon's ¥100 threshold, as the server refuses it
    type(container, '.verify__amount-input', '110');
    fireEvent.click(within(couponTicket(container, '老街满减券')).getByText('核销'));
    expect(await screen.findByText('未满 ¥100.00，此券不可用')).toBeTruthy();
    fireEvent.click(screen.getByText('取消'));

    type(container, '.verify__amount-input', '120');
    fireEvent.click(screen.getByText('仅记录消费（不用券，攒积分）'));
    fireEvent.click(await screen.findByText('确认'));
    expect(await screen.findByText('已记录消费')).toBeTruthy();
    expect(screen.getByText('-¥12.00')).toBeTruthy();
    expect(screen.getByText('¥108.00')).toBeTruthy();
    expect(screen.getByText('+216')).toBeTruthy();
    expect(sent.find((r) => r.path === '/api/v1/staff/redemptions')?.body).toEqual({
      memberCode: MEMBER_CODE,
      amountFen: 12000,
    });
  });

  it('applies the member’s first-order coupon by default when 仅记录消费 records the first purchase', async () => {
    const sent = lookupServer({
      'POST /api/v1/staff/redemptions': {
        status: 201,
        body: {
          ...redemption,
          coupon: { ...coupon, status: 'used' },
          couponDiscountFen: 500,
          payableFen: 2500,
        },
      },
    });
    const { container } = render(<StaffVerifyPage />);
    await verify(container);
    type(container, '.verify__amount-input', '30');
    fireEvent.click(screen.getByText('仅记录消费（不用券，攒积分）'));
    expect(await screen.findByText('顾客首单，已选用首单券「新人无门槛券」')).toBeTruthy();
    expect(screen.getByText('预计优惠 ¥5.00，实付 ¥25.00')).toBeTruthy();
    fireEvent.click(screen.getByText('确认'));
    expect(await screen.findByText('核销成功')).toBeTruthy();
    expect(sent.find((r) => r.path === '/api/v1/staff/redemptions')?.body).toEqual({
      memberCode: MEMBER_CODE,
      couponId: coupon.id,
      amountFen: 3000,
    });
  });

  it('warns that a first-order coupon whose threshold the first purchase misses will lapse', async () => {
    lookupServer({
      'POST /api/v1/staff/members/lookup': {
        status: 200,
        body: { member, coupons: [{ ...coupon, kind: 'amount', thresholdFen: 5000 }] },
      },
    });
    const { container } = render(<StaffVerifyPage />);
    await verify(container);
    type(container, '.verify__amount-input', '30');
    fireEvent.click(screen.getByText('仅记录消费（不用券，攒积分）'));
    expect(
      await screen.findByText('顾客首单：首单券「新人无门槛券」（满 ¥50.00 可用，本单未达到）记录后将失效'),
    ).toBeTruthy();
    expect(screen.queryByText('不用此券，仅记录消费')).toBeNull();
  });

  it('meets a first-order coupon’s threshold against what the member day leaves, as the server does', async () => {
    lookupServer({
      'POST /api/v1/staff/members/lookup': {
        status: 200,
        body: {
          member,
          coupons: [{ ...coupon, kind: 'amount', thresholdFen: 5000 }],
          memberDayDiscount: { offPermille: null, offFen: 500, text: '再减 5 元' },
        },
      },
    });
    const { container } = render(<StaffVerifyPage />);
    await verify(container);
    // ¥52 less the member day's ¥5 is ¥47: under the ¥50 threshold, so the gift is not applied
    type(container, '.verify__amount-input', '52');
    fireEvent.click(screen.getByText('仅记录消费（不用券，攒积分）'));
    expect(
      await screen.findByText('顾客首单：首单券「新人无门槛券」（满 ¥50.00 可用，本单未达到）记录后将失效'),
    ).toBeTruthy();
    fireEvent.click(screen.getByText('取消'));
    // ¥55 leaves ¥50: applied by default
    type(container, '.verify__amount-input', '55');
    fireEvent.click(screen.getByText('仅记录消费（不用券，攒积分）'));
    expect(await screen.findByText('顾客首单，已选用首单券「新人无门槛券」')).toBeTruthy();
  });

  it('refuses an amount that is not one before asking the server', async () => {
    const sent = lookupServer();
    const { container } = render(<StaffVerifyPage />);
    await verify(container);
    type(container, '.verify__amount-input', '12.345');
    fireEvent.click(within(couponTicket(container, '老街满减券')).getByText('核销'));
    expect(showToast).toHaveBeenCalledWith(
      expect.objectContaining({ title: '消费金额请填数字，最多两位小数' }),
    );
    expect(sent.some((r) => r.path === '/api/v1/staff/redemptions')).toBe(false);
  });

  it('tells a clerk who typed 0 that the amount must be above 0, not that it is no number', async () => {
    const sent = lookupServer();
    const { container } = render(<StaffVerifyPage />);
    await verify(container);
    type(container, '.verify__amount-input', '0');
    fireEvent.click(screen.getByText('仅记录消费（不用券，攒积分）'));
    expect(showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '消费金额要大于 0 元' }));
    expect(sent.some((r) => r.path === '/api/v1/staff/redemptions')).toBe(false);
  });

  it('opens the decimal number pad for the amount', async () => {
    lookupServer();
    const { container } = render(<StaffVerifyPage />);
    await verify(container);
    expect(container.querySelector('.verify__amount-input input')?.getAttribute('inputmode')).toBe('decimal');
  });

  it('shows the server message when the coupon cannot be used for this amount', async () => {
    lookupServer({
      'POST /api/v1/staff/redemptions': apiError(422, 'THRESHOLD_NOT_MET', '未满 ¥100.00，不能使用此券'),
    });
    const { container } = render(<StaffVerifyPage />);
    await verify(container);
    type(container, '.verify__amount-input', '50');
    fireEvent.click(within(couponTicket(container, '老街满减券')).getByText('核销'));
    expect(await screen.findByText('未满 ¥100.00，此券不可用')).toBeTruthy();
    fireEvent.click(screen.getByText('确认'));
    await waitFor(() =>
      expect(showToast).toHaveBeenCalledWith(
        expect.objectContaining({ title: '未满 ¥100.00，不能使用此券', icon: 'none' }),
      ),
    );
    expect(screen.queryByText('核销成功')).toBeNull();
    expect(screen.getByText('消费金额')).toBeTruthy();
  });

  it('needs the amount for a discount or threshold coupon before asking the server', async () => {
    const discount = {
      ...walletCoupon,
      id: '12',
      title: '全场85折',
      kind: 'discount' as const,
      valueFen: null,
      discountPermille: 850,
      thresholdFen: 0,
    };
    const sent = mockServer({
      'POST /api/v1/staff/members/lookup': {
        status: 200,
        body: { member, coupons: [discount, walletCoupon, coupon] },
      },
    });
    const { container } = render(<StaffVerifyPage />);
    await verify(container);
    fireEvent.click(within(couponTicket(container, '全场85折')).getByText('核销'));
    expect(showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '折扣券需要填写消费金额' }));
    fireEvent.click(within(couponTicket(container, '老街满减券')).getByText('核销'));
    expect(showToast).toHaveBeenCalledWith(
      expect.objectContaining({ title: '此券满 ¥100.00 可用，需要填写消费金额' }),
    );
    expect(screen.queryByText('确认')).toBeNull();
    // a flat no-threshold coupon needs no amount: it goes on to the confirmation
    fireEvent.click(within(couponTicket(container, '新人无门槛券')).getByText('核销'));
    expect(await screen.findByText('确认')).toBeTruthy();
    expect(sent.filter((r) => r.path === '/api/v1/staff/redemptions')).toHaveLength(0);
  });
});

describe('提货核销', () => {
  it('hands over a typed pickup code', async () => {
    const sent = mockServer({
      'POST /api/v1/staff/pickups': { status: 200, body: { ...pickupOrder, status: 'fulfilled' } },
    });
    const { container } = render(<StaffPickupPage />);
    // no scanner in a browser
    expect(screen.queryByText('扫提货码')).toBeNull();
    type(container, '.pickup__input', '12345 67890');
    fireEvent.click(screen.getByText('核销'));
    expect(await screen.findByText('提货成功', { selector: '.verify__done-title' })).toBeTruthy();
    expect(screen.getByText('手冲咖啡一杯 × 1')).toBeTruthy();
    expect(pageRequests(sent)[0]).toMatchObject({
      body: { pickupCode: '1234567890' },
      headers: expect.objectContaining({ authorization: 'Bearer staff-token' }),
    });
  });

  it('shows the server message for a code already used', async () => {
    mockServer({ 'POST /api/v1/staff/pickups': apiError(409, 'ALREADY_FULFILLED', '该提货码已核销') });
    const { container } = render(<StaffPickupPage />);
    type(container, '.pickup__input', '1234567890');
    fireEvent.click(screen.getByText('核销'));
    expect(await screen.findByText('该提货码已核销', { selector: '.page-state__description' })).toBeTruthy();
    expect(showToast).toHaveBeenCalledWith(
      expect.objectContaining({ title: '该提货码已核销', icon: 'none' }),
    );
  });

  it('checks the code’s shape first, and sends a clerk without a session to the login', async () => {
    const sent = mockServer({});
    const { container, unmount } = render(<StaffPickupPage />);
    type(container, '.pickup__input', '123');
    fireEvent.click(screen.getByText('核销'));
    expect(showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '提货码是 10 位数字' }));
    expect(pageRequests(sent)).toHaveLength(0);
    unmount();
    taroTest.storage.delete('allycard.staffToken');
    render(<StaffPickupPage />);
    await waitFor(() => expect(redirectTo).toHaveBeenCalledWith({ url: '/staff/login/index' }));
  });
});
