import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import {
  getCurrentInstance,
  getStorageSync,
  navigateTo,
  reLaunch,
  showToast,
  switchTab,
  taroTest,
} from './__mocks__/taro';
import JoinPage from '../src/pages/join/index';
import CardPage from '../src/pages/card/index';
import AccountPage from '../src/privacy/account/index';
import { PhoneCodeButton } from '../src/platform/phone.h5';
import { PrivacyGateSheet } from '../src/components/privacy-sheet';
import { DEMO_OPENID_KEY } from '../src/platform/login.h5';
import { apiError, coupon, member, mockServer, profile } from './helpers';

const policy = {
  version: 3,
  terms: { title: '用户协议', body: '协议正文' },
  privacy: { title: '隐私政策', body: '政策正文' },
  publishedAt: '2026-12-01T00:00:00.000Z',
};

beforeEach(() => {
  window.localStorage.setItem(DEMO_OPENID_KEY, 'h5_privacy');
  getCurrentInstance.mockReturnValue({ router: { params: {} } });
});

describe('consent at join', () => {
  const server = () =>
    mockServer({
      'POST /sandbox/wechat/login-code': { status: 200, body: { code: 'lc' } },
      'GET /api/v1/privacy-policy': { status: 200, body: policy },
      'POST /api/v1/join': {
        status: 201,
        body: { token: 'tk', member, newlyJoined: true, coupons: [coupon] },
      },
    });

  it('does not join until the unticked agreement is ticked, then sends the version agreed to', async () => {
    const sent = server();
    render(<JoinPage />);
    const box = await screen.findByRole('checkbox');
    expect(box.getAttribute('aria-checked')).toBe('false');
    fireEvent.click(screen.getByText('一键入会'));
    await waitFor(() =>
      expect(showToast).toHaveBeenCalledWith(
        expect.objectContaining({ title: '请先阅读并勾选同意《用户协议》和《隐私政策》' }),
      ),
    );
    expect(sent.some((r) => r.path === '/api/v1/join')).toBe(false);

    fireEvent.click(box);
    expect(box.getAttribute('aria-checked')).toBe('true');
    fireEvent.click(screen.getByText('一键入会'));
    await waitFor(() => expect(switchTab).toHaveBeenCalled());
    expect(sent.find((r) => r.path === '/api/v1/join')?.body).toEqual({ code: 'lc', policyVersion: 3 });
  });

  it('opens both documents from the agreement without ticking it', async () => {
    server();
    render(<JoinPage />);
    await screen.findByRole('checkbox');
    fireEvent.click(screen.getByText('《隐私政策》'));
    expect(navigateTo).toHaveBeenCalledWith({ url: '/privacy/policy/index?doc=privacy' });
    fireEvent.click(screen.getByText('《用户协议》'));
    expect(navigateTo).toHaveBeenCalledWith({ url: '/privacy/policy/index?doc=terms' });
    expect(screen.getByRole('checkbox').getAttribute('aria-checked')).toBe('false');
  });

  it('shows the new text and asks again when the version changed meanwhile (409)', async () => {
    let calls = 0;
    mockServer({
      'POST /sandbox/wechat/login-code': { status: 200, body: { code: 'lc' } },
      'GET /api/v1/privacy-policy': () => ({ status: 200, body: { ...policy, version: 3 + calls++ } }),
      'POST /api/v1/join': apiError(409, 'POLICY_OUTDATED', '协议已更新，请阅读后重新同意'),
    });
    render(<JoinPage />);
    fireEvent.click(await screen.findByRole('checkbox'));
    fireEvent.click(screen.getByText('一键入会'));
    await waitFor(() => expect(screen.getByRole('checkbox').getAttribute('aria-checked')).toBe('false'));
    expect(calls).toBe(2);
  });
});

describe('consent asked again on the card', () => {
  it('shows the sheet when GET /me says consent is required, and records the agreement', async () => {
    taroTest.storage.set('allycard.memberToken', 'tk');
    const sent = mockServer({
      'GET /api/v1/me': {
        status: 200,
        body: { ...profile, consent: { currentVersion: 4, acceptedVersion: 3, required: true } },
      },
      'GET /api/v1/me/member-code': {
        status: 200,
        body: { code: '123400000000017', expiresAt: new Date(Date.now() + 60_000).toISOString() },
      },
      'POST /api/v1/me/consents': {
        status: 200,
        body: { currentVersion: 4, acceptedVersion: 4, required: false },
      },
    });
    render(<CardPage />);
    expect(await screen.findByText('用户协议和隐私政策已更新')).toBeTruthy();
    fireEvent.click(screen.getByText('同意并继续'));
    await waitFor(() =>
      expect(sent.find((r) => r.path === '/api/v1/me/consents')?.body).toEqual({ version: 4 }),
    );
  });

  it('shows no sheet to a member who agreed to the current version', async () => {
    taroTest.storage.set('allycard.memberToken', 'tk');
    mockServer({
      'GET /api/v1/me': {
        status: 200,
        body: { ...profile, consent: { currentVersion: 4, acceptedVersion: 4, required: false } },
      },
      'GET /api/v1/me/member-code': {
        status: 200,
        body: { code: '123400000000017', expiresAt: new Date(Date.now() + 60_000).toISOString() },
      },
    });
    const { container } = render(<CardPage />);
    await waitFor(() => expect(container.querySelector('.member-card__number')).toBeTruthy());
    expect(screen.queryByText('同意并继续')).toBeNull();
  });
});

describe('h5 privacy check before the phone number', () => {
  it('asks with the reason first; declining opens no phone sheet, agreeing does and is remembered', async () => {
    render(
      <>
        <PhoneCodeButton onCode={() => undefined}>绑定手机号</PhoneCodeButton>
        <PrivacyGateSheet />
      </>,
    );
    fireEvent.click(screen.getByText('绑定手机号'));
    expect(await screen.findByText('绑定手机号前，请阅读并同意《隐私政策》')).toBeTruthy();
    fireEvent.click(screen.getByText('暂不同意'));
    await waitFor(() => expect(screen.queryByPlaceholderText('请输入手机号')).toBeNull());

    fireEvent.click(screen.getByText('绑定手机号'));
    fireEvent.click(await screen.findByText('同意并继续'));
    expect(await screen.findByPlaceholderText('请输入手机号')).toBeTruthy();
    expect(getStorageSync('allycard.privacyAgreed')).toBe('yes');
  });
});

describe('账号与隐私', () => {
  it('closes the account only with the typed confirmation, then starts over at the join page', async () => {
    taroTest.storage.set('allycard.memberToken', 'tk');
    const sent = mockServer({
      'DELETE /api/v1/me': {
        status: 200,
        body: {
          closed: true,
          closedAt: '2026-12-04T00:00:00.000Z',
          couponsVoided: 1,
          pointsForfeited: 5,
          ordersClosed: 0,
          sharesCancelled: 0,
        },
      },
    });
    render(<AccountPage />);
    fireEvent.click(screen.getByText('注销账号'));
    fireEvent.click(await screen.findByText('确认注销'));
    await waitFor(() =>
      expect(showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '请输入“注销”确认' })),
    );
    expect(sent.some((r) => r.method === 'DELETE')).toBe(false);

    fireEvent.change(screen.getByPlaceholderText('注销'), { target: { value: '注销' } });
    fireEvent.click(screen.getByText('确认注销'));
    await waitFor(() => expect(reLaunch).toHaveBeenCalledWith({ url: '/pages/join/index' }));
    expect(sent.find((r) => r.method === 'DELETE')?.body).toEqual({ confirm: '注销' });
    expect(getStorageSync('allycard.memberToken')).toBe('');
  });

  it('exports the data and copies it', async () => {
    taroTest.storage.set('allycard.memberToken', 'tk');
    const data = {
      exportedAt: '2026-12-04T00:00:00.000Z',
      member: { ...member, phone: '13800000000' },
      coupons: [coupon],
      pointsTransactions: [],
      orders: [],
      shares: [],
      consents: [{ version: 3, acceptedAt: '2026-12-01T00:00:00.000Z' }],
    };
    mockServer({ 'GET /api/v1/me/export': { status: 200, body: data } });
    render(<AccountPage />);
    fireEvent.click(screen.getByText('导出我的数据'));
    expect(await screen.findByText(/已导出：1 张券/)).toBeTruthy();
  });
});
