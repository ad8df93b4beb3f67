import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { getCurrentInstance, redirectTo, showToast, switchTab, taroTest } from './__mocks__/taro';
import SharePage from '../src/pages/share/index';
import { DEMO_OPENID_KEY } from '../src/platform/login.h5';
import { resetMerchantNames } from '../src/services/merchants';
import { apiError, coupon, member, mockServer, walletCoupon } from './helpers';

const preview = {
  coupon: { ...walletCoupon, usableAt: 'alliance' as const, merchantIds: [] },
  fromNickname: '小王',
  expiresAt: '2025-11-25T08:00:00.000Z',
  status: 'open' as const,
  viewer: 'other' as const,
};

function openShare(token = 'tok123') {
  getCurrentInstance.mockReturnValue({ router: { params: { token } } });
}

beforeEach(() => {
  resetMerchantNames();
  window.localStorage.setItem(DEMO_OPENID_KEY, 'h5_friend');
  openShare();
});

describe('好友送你一张券', () => {
  it('previews the coupon without signing in, then takes it with one tap (joining on the way)', async () => {
    const sent = mockServer({
      'GET /api/v1/shares/tok123': { status: 200, body: preview },
      'POST /sandbox/wechat/login-code': { status: 200, body: { code: 'friend-code' } },
      'POST /api/v1/shares/tok123/accept': {
        status: 200,
        body: { token: 'friend-token', member, newlyJoined: true, coupons: [coupon], coupon: walletCoupon },
      },
    });
    render(<SharePage />);
    expect(await screen.findByText('小王')).toBeTruthy();
    expect(screen.getByText('老街满减券')).toBeTruthy();
    expect(screen.getByText('全联盟通用')).toBeTruthy();
    // a forwarded coupon cannot be forwarded again
    expect(screen.queryByText('可转赠')).toBeNull();
    expect(sent[0].headers.authorization).toBeUndefined();

    fireEvent.click(screen.getByText('一键领取'));
    // onto the card, with the tab bar, where the gift waits with the join gifts
    await waitFor(() => expect(switchTab).toHaveBeenCalledWith({ url: '/pages/card/index' }));
    expect(sent.find((r) => r.path === '/api/v1/shares/tok123/accept')?.body).toEqual({
      code: 'friend-code',
    });
    expect(taroTest.storage.get('allycard.memberToken')).toBe('friend-token');
    // the friend's coupon and the join gifts wait on the card page
    expect(
      JSON.parse(String(taroTest.storage.get('allycard.welcomeCoupons'))).map((c: { id: string }) => c.id),
    ).toEqual([walletCoupon.id, coupon.id]);
    expect(showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '领取成功，欢迎入会' }));
  });

  it("asks the friend to agree to the share's policy before taking it, and sends the version", async () => {
    const sent = mockServer({
      'GET /api/v1/shares/tok123': { status: 200, body: preview },
      'GET /api/v1/privacy-policy?share=tok123': {
        status: 200,
        body: {
          version: 5,
          terms: { title: '用户协议', body: '…' },
          privacy: { title: '隐私政策', body: '…' },
          publishedAt: '2026-12-01T00:00:00.000Z',
        },
      },
      'POST /sandbox/wechat/login-code': { status: 200, body: { code: 'friend-code' } },
      'POST /api/v1/shares/tok123/accept': {
        status: 200,
        body: { token: 'friend-token', member, newlyJoined: true, coupons: [], coupon: walletCoupon },
      },
    });
    render(<SharePage />);
    const box = await screen.findByRole('checkbox');
    fireEvent.click(screen.getByText('一键领取'));
    await waitFor(() =>
      expect(showToast).toHaveBeenCalledWith(
        expect.objectContaining({ title: '请先阅读并勾选同意《用户协议》和《隐私政策》' }),
      ),
    );
    expect(sent.some((r) => r.path.endsWith('/accept'))).toBe(false);
    fireEvent.click(box);
    fireEvent.click(screen.getByText('一键领取'));
    await waitFor(() => expect(switchTab).toHaveBeenCalled());
    expect(sent.find((r) => r.path.endsWith('/accept'))?.body).toEqual({
      code: 'friend-code',
      policyVersion: 5,
    });
  });

  it('shows the server message when a friend was quicker, and says the coupon is gone', async () => {
    mockServer({
      'GET /api/v1/shares/tok123': { status: 200, body: preview },
      'POST /sandbox/wechat/login-code': { status: 200, body: { code: 'friend-code' } },
      'POST /api/v1/shares/tok123/accept': apiError(409, 'SHARE_USED', '这张券已经被领走了'),
    });
    render(<SharePage />);
    fireEvent.click(await screen.findByText('一键领取'));
    await waitFor(() =>
      expect(showToast).toHaveBeenCalledWith(
        expect.objectContaining({ title: '这张券已经被领走了', icon: 'none' }),
      ),
    );
    expect(await screen.findByText('来晚了，这张券已经被领走了')).toBeTruthy();
    expect(screen.queryByText('一键领取')).toBeNull();
    expect(redirectTo).not.toHaveBeenCalled();
  });

  it('recognises the sender’s own share', async () => {
    taroTest.storage.set('allycard.memberToken', 'sender-token');
    mockServer({
      'GET /api/v1/shares/tok123': { status: 200, body: { ...preview, viewer: 'sender' } },
      'GET /api/v1/merchants': { status: 200, body: [] },
    });
    render(<SharePage />);
    expect(await screen.findByText('这是你转赠出去的券，等好友来领吧')).toBeTruthy();
    expect(screen.getByText('转赠给好友的联盟好券')).toBeTruthy();
    expect(screen.queryByText('送你一张联盟好券')).toBeNull();
    expect(screen.queryByText('一键领取')).toBeNull();
  });

  it('tells the sender of a taken share that the friend took it, not 来晚了', async () => {
    taroTest.storage.set('allycard.memberToken', 'sender-token');
    const sent = mockServer({
      'GET /api/v1/shares/tok123': {
        status: 200,
        body: { ...preview, status: 'accepted', viewer: 'sender' },
      },
      'GET /api/v1/merchants': { status: 200, body: [] },
    });
    render(<SharePage />);
    expect(await screen.findByText('好友已领取这张券')).toBeTruthy();
    expect(screen.queryByText('来晚了，这张券已经被领走了')).toBeNull();
    expect(sent[0].headers.authorization).toBe('Bearer sender-token');
  });

  it('says when the share ran out or was cancelled', async () => {
    mockServer({ 'GET /api/v1/shares/tok123': { status: 200, body: { ...preview, status: 'expired' } } });
    const { unmount } = render(<SharePage />);
    expect(await screen.findByText('转赠已过期，券已退回给好友')).toBeTruthy();
    unmount();
    mockServer({ 'GET /api/v1/shares/tok123': { status: 200, body: { ...preview, status: 'cancelled' } } });
    render(<SharePage />);
    expect(await screen.findByText('好友已取消这次转赠')).toBeTruthy();
  });

  it('explains a link that leads nowhere', async () => {
    openShare('nope-nope-nope-nope');
    mockServer({ 'GET /api/v1/shares/nope-nope-nope-nope': apiError(404, 'NOT_FOUND', '转赠不存在') });
    render(<SharePage />);
    expect(await screen.findByText('这个转赠链接无效，请让好友重新转赠')).toBeTruthy();
  });
});
