import { act, fireEvent, render, screen, waitFor } from '@testing-library/react';
import {
  getCurrentInstance,
  getStorageSync,
  navigateTo,
  showToast,
  switchTab,
  taroTest,
} from './__mocks__/taro';
import JoinPage from '../src/pages/join/index';
import { DEMO_OPENID_KEY } from '../src/platform/login.h5';
import { apiError, coupon, member, mockServer, offer, profile } from './helpers';

const sceneInfo = {
  scene: 'shop1',
  merchant: { id: '3', name: '老街咖啡' },
  storeName: '人民路店',
  campaign: null,
};

function withScene(scene?: string) {
  getCurrentInstance.mockReturnValue({ router: { params: scene ? { scene } : {} } });
}

function joinServer(overrides: Parameters<typeof mockServer>[0] = {}) {
  return mockServer({
    'POST /sandbox/wechat/login-code': { status: 200, body: { code: 'login-code-1' } },
    'GET /api/v1/scenes/shop1': { status: 200, body: sceneInfo },
    'POST /api/v1/join': {
      status: 201,
      body: { token: 'member-token', member, newlyJoined: true, coupons: [coupon] },
    },
    ...overrides,
  });
}

beforeEach(() => {
  window.localStorage.setItem(DEMO_OPENID_KEY, 'h5_testuser');
});

describe('join page', () => {
  it('shows whose QR code it is and joins with the scene in one tap', async () => {
    withScene(encodeURIComponent('shop1'));
    const sent = joinServer();
    render(<JoinPage />);

    expect(await screen.findByText('老街咖啡 · 人民路店 邀你加入')).toBeTruthy();
    fireEvent.click(screen.getByText('一键入会'));

    await waitFor(() => expect(switchTab).toHaveBeenCalledWith({ url: '/pages/card/index' }));
    const join = sent.find((r) => r.path === '/api/v1/join');
    expect(join?.body).toEqual({ code: 'login-code-1', scene: 'shop1' });
    expect(sent.find((r) => r.path === '/sandbox/wechat/login-code')?.body).toEqual({
      openid: 'h5_testuser',
    });
    expect(getStorageSync('allycard.memberToken')).toBe('member-token');
    expect(showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '入会成功' }));
    // the welcome coupons wait for the card page
    expect(JSON.parse(getStorageSync('allycard.welcomeCoupons') as string)).toEqual([coupon]);
  });

  it('welcomes back a shopper who had already joined', async () => {
    withScene();
    joinServer({
      'POST /api/v1/join': { status: 200, body: { token: 't2', member, newlyJoined: false, coupons: [] } },
    });
    render(<JoinPage />);
    fireEvent.click(await screen.findByText('一键入会'));
    await waitFor(() =>
      expect(showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '欢迎回来' })),
    );
  });

  it('joins without a scene when there is none', async () => {
    withScene();
    const sent = joinServer();
    render(<JoinPage />);
    fireEvent.click(await screen.findByText('一键入会'));
    await waitFor(() => expect(switchTab).toHaveBeenCalled());
    expect(sent.find((r) => r.path === '/api/v1/join')?.body).toEqual({ code: 'login-code-1' });
    expect(sent.some((r) => r.path.startsWith('/api/v1/scenes/'))).toBe(false);
  });

  it('still lets the shopper join when the scene is unknown (404)', async () => {
    withScene('gone1');
    const sent = joinServer({ 'GET /api/v1/scenes/gone1': apiError(404, 'NOT_FOUND', '二维码不存在') });
    render(<JoinPage />);
    fireEvent.click(await screen.findByText('一键入会'));
    await waitFor(() => expect(switchTab).toHaveBeenCalled());
    expect(screen.queryByText(/邀你加入/)).toBeNull();
    expect(sent.find((r) => r.path === '/api/v1/join')?.body).toEqual({
      code: 'login-code-1',
      scene: 'gone1',
    });
  });

  it('shows the server message in a toast when joining fails, and stays on the page', async () => {
    withScene();
    joinServer({ 'POST /api/v1/join': apiError(429, 'RATE_LIMITED', '操作太频繁，请稍后再试') });
    render(<JoinPage />);
    fireEvent.click(await screen.findByText('一键入会'));
    await waitFor(() =>
      expect(showToast).toHaveBeenCalledWith(
        expect.objectContaining({ title: '操作太频繁，请稍后再试', icon: 'none' }),
      ),
    );
    expect(switchTab).not.toHaveBeenCalled();
    expect(getStorageSync('allycard.memberToken')).toBe('');
    expect(screen.getByText('一键入会')).toBeTruthy();
  });

  it('tells a member with a valid token that they are in, with a way to the card', async () => {
    withScene();
    taroTest.storage.set('allycard.memberToken', 'good-token');
    joinServer({ 'GET /api/v1/me': { status: 200, body: profile } });
    render(<JoinPage />);
    expect(await screen.findByText('你已是会员')).toBeTruthy();
    expect(screen.queryByText('一键入会')).toBeNull();
    fireEvent.click(screen.getByText('查看会员卡'));
    expect(switchTab).toHaveBeenCalledWith({ url: '/pages/card/index' });
  });

  it('forgets a stale token and offers joining again', async () => {
    withScene();
    taroTest.storage.set('allycard.memberToken', 'stale');
    joinServer({ 'GET /api/v1/me': apiError(401, 'UNAUTHENTICATED', '请重新登录') });
    render(<JoinPage />);
    expect(await screen.findByText('一键入会')).toBeTruthy();
    expect(getStorageSync('allycard.memberToken')).toBe('');
  });

  it('re-reads the scene on show: a second scan shows the new merchant', async () => {
    withScene('shop1');
    joinServer({
      'GET /api/v1/scenes/shop2': {
        status: 200,
        body: { ...sceneInfo, scene: 'shop2', merchant: { id: '4', name: '巷口面馆' }, storeName: null },
      },
    });
    render(<JoinPage />);
    expect(await screen.findByText('老街咖啡 · 人民路店 邀你加入')).toBeTruthy();
    withScene('shop2');
    act(() => taroTest.show());
    expect(await screen.findByText('巷口面馆 邀你加入')).toBeTruthy();
  });

  it('names what joining gives, from the scanned alliance’s join gifts', async () => {
    withScene(encodeURIComponent('shop1'));
    const gift = {
      ...offer,
      id: 't1',
      title: '新人首单立减10元',
      kind: 'no_threshold' as const,
      valueFen: 1000,
    };
    const sent = joinServer({ 'GET /api/v1/join-gifts?scene=shop1': { status: 200, body: [gift] } });
    const { unmount } = render(<JoinPage />);
    expect(await screen.findByText('入会即送 ¥10「新人首单立减10元」')).toBeTruthy();
    expect(sent.find((r) => r.path.startsWith('/api/v1/join-gifts'))?.path).toBe(
      '/api/v1/join-gifts?scene=shop1',
    );
    unmount();

    joinServer({
      'GET /api/v1/join-gifts?scene=shop1': { status: 200, body: [gift, { ...offer, valueFen: 800 }] },
    });
    const second = render(<JoinPage />);
    expect(await screen.findByText('入会即送 2 张券，共 ¥18')).toBeTruthy();

    // a visitor may look at 领券中心 first, in the scanned alliance
    fireEvent.click(screen.getByText('先逛逛领券中心 ›'));
    expect(navigateTo).toHaveBeenLastCalledWith({ url: '/coupon/offers/index?scene=shop1' });
    second.unmount();

    // nothing to give: no 入会有礼 promise at all
    joinServer({ 'GET /api/v1/join-gifts?scene=shop1': { status: 200, body: [] } });
    render(<JoinPage />);
    expect(await screen.findByText('老街咖啡 · 人民路店 邀你加入')).toBeTruthy();
    await waitFor(() => expect(screen.queryByText('入会有礼')).toBeNull());
  });
});
