import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { redirectTo, showToast, taroTest } from './__mocks__/taro';
import StaffVerifyPage from '../src/staff/verify/index';
import StaffLoginPage from '../src/staff/login/index';
import { apiError, coupon, member, mockServer, pageRequests } from './helpers';

function typeCode(container: HTMLElement, value: string) {
  const input = container.querySelector('.verify__input input') as HTMLInputElement;
  fireEvent.change(input, { target: { value } });
}

describe('staff login', () => {
  it('signs in and goes to the verify page', async () => {
    const sent = mockServer({
      'POST /api/v1/staff/login': {
        status: 200,
        body: { token: 'staff-token', staff: { id: '1', merchantId: '3', role: 'clerk' } },
      },
    });
    const { container } = render(<StaffLoginPage />);
    fireEvent.change(container.querySelector('.staff__input--username input') as HTMLInputElement, {
      target: { value: ' clerk1 ' },
    });
    fireEvent.change(container.querySelector('.staff__input--password input') as HTMLInputElement, {
      target: { value: 'secret' },
    });
    fireEvent.click(screen.getByText('登录'));
    await waitFor(() => expect(redirectTo).toHaveBeenCalledWith({ url: '/staff/verify/index' }));
    expect(sent[0].body).toEqual({ username: 'clerk1', password: 'secret' });
    expect(taroTest.storage.get('allycard.staffToken')).toBe('staff-token');
  });

  it('shows the server message for wrong credentials', async () => {
    mockServer({ 'POST /api/v1/staff/login': apiError(401, 'UNAUTHENTICATED', '账号或密码不对') });
    const { container } = render(<StaffLoginPage />);
    fireEvent.change(container.querySelector('.staff__input--username input') as HTMLInputElement, {
      target: { value: 'a' },
    });
    fireEvent.change(container.querySelector('.staff__input--password input') as HTMLInputElement, {
      target: { value: 'b' },
    });
    fireEvent.click(screen.getByText('登录'));
    await waitFor(() =>
      expect(showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '账号或密码不对' })),
    );
    expect(redirectTo).not.toHaveBeenCalled();
  });
});

describe('staff verify', () => {
  beforeEach(() => taroTest.storage.set('allycard.staffToken', 'staff-token'));

  it('looks up a typed member code and shows the member and usable coupons', async () => {
    const sent = mockServer({
      'POST /api/v1/staff/members/lookup': {
        status: 200,
        body: { member: { ...member, phoneMasked: '138****5678' }, coupons: [coupon] },
      },
    });
    const { container } = render(<StaffVerifyPage />);
    typeCode(container, '1234 0000 0000 017');
    fireEvent.click(screen.getByText('查询'));
    expect(await screen.findByText('6222 0212 3456 7894')).toBeTruthy();
    expect(screen.getByText('小王')).toBeTruthy();
    expect(screen.getByText('银卡')).toBeTruthy();
    expect(screen.getByText('1280')).toBeTruthy();
    expect(screen.getByText('138****5678')).toBeTruthy();
    expect(screen.getByText('新人无门槛券')).toBeTruthy();
    expect(pageRequests(sent)[0]).toMatchObject({
      body: { memberCode: '123400000000017' },
      headers: expect.objectContaining({ authorization: 'Bearer staff-token' }),
    });
  });

  it('says so when the member has no usable coupon', async () => {
    mockServer({ 'POST /api/v1/staff/members/lookup': { status: 200, body: { member, coupons: [] } } });
    const { container } = render(<StaffVerifyPage />);
    typeCode(container, '123400000000017');
    fireEvent.click(screen.getByText('查询'));
    expect(await screen.findByText('暂无可用券')).toBeTruthy();
  });

  it('shows the server message for an expired code, once', async () => {
    mockServer({
      'POST /api/v1/staff/members/lookup': apiError(422, 'CODE_EXPIRED', '会员码已过期，请让顾客刷新'),
    });
    const { container } = render(<StaffVerifyPage />);
    typeCode(container, '123400000000017');
    fireEvent.click(screen.getByText('查询'));
    expect(await screen.findByText('会员码已过期，请让顾客刷新')).toBeTruthy();
    // on the page only: a toast with the same words over it said everything twice
    expect(showToast).not.toHaveBeenCalled();
  });

  it('says what to do about a mistyped code before asking the server', async () => {
    const sent = mockServer({});
    const { container } = render(<StaffVerifyPage />);
    typeCode(container, '1234 5678 9012');
    fireEvent.click(screen.getByText('查询'));
    expect(await screen.findByText('会员码应为 15 位以上数字，请让顾客刷新后重扫')).toBeTruthy();
    expect(pageRequests(sent)).toHaveLength(0);
    expect(showToast).not.toHaveBeenCalled();
  });

  it('never shows the same refusal twice, whatever the server says', async () => {
    mockServer({ 'POST /api/v1/staff/members/lookup': apiError(400, 'VALIDATION_FAILED', '请求参数有误') });
    const { container } = render(<StaffVerifyPage />);
    typeCode(container, '123400000000017');
    fireEvent.click(screen.getByText('查询'));
    expect(await screen.findAllByText('请求参数有误')).toHaveLength(1);
    expect(showToast).not.toHaveBeenCalled();
  });

  it('opens the number pad for the code (inputmode on h5, the number keyboard on weapp)', () => {
    const { container } = render(<StaffVerifyPage />);
    const input = container.querySelector('.verify__input input') as HTMLInputElement;
    expect(input.getAttribute('inputmode')).toBe('numeric');
    // NutUI turns the weapp `number` keyboard into a tel field in a browser
    expect(input.type).toBe('tel');
  });

  it('sends a clerk whose session ended back to the login', async () => {
    mockServer({ 'POST /api/v1/staff/members/lookup': apiError(401, 'UNAUTHENTICATED', '请先登录') });
    const { container } = render(<StaffVerifyPage />);
    typeCode(container, '123400000000017');
    fireEvent.click(screen.getByText('查询'));
    await waitFor(() => expect(redirectTo).toHaveBeenCalledWith({ url: '/staff/login/index' }));
    expect(taroTest.storage.has('allycard.staffToken')).toBe(false);
  });

  it('logs out', async () => {
    render(<StaffVerifyPage />);
    fireEvent.click(screen.getByText('退出登录'));
    await waitFor(() => expect(redirectTo).toHaveBeenCalledWith({ url: '/staff/login/index' }));
    expect(taroTest.storage.has('allycard.staffToken')).toBe(false);
  });

  it('has no scan button in a browser (h5 types the code)', () => {
    render(<StaffVerifyPage />);
    expect(screen.queryByText('扫会员码')).toBeNull();
    expect(screen.getByPlaceholderText('输入会员码下方的数字')).toBeTruthy();
  });
});
