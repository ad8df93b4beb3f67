import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { getCurrentInstance, navigateTo, setClipboardData, showToast, taroTest } from './__mocks__/taro';
import MyCouponsPage, { walletTab } from '../src/coupon/mine/index';
import CouponDetailPage from '../src/coupon/detail/index';
import { resetMerchantNames } from '../src/services/merchants';
import type { WalletCoupon } from '@allycard/contracts';
import { all, apiError, merchants, mockServer, walletCoupon } from './helpers';

const used = { ...walletCoupon, id: '22', title: '用过的券', status: 'used' as const };
const expired = { ...walletCoupon, id: '23', title: '过期的券', status: 'expired' as const };
const sharing = { ...walletCoupon, id: '24', title: '转赠中的券', status: 'sharing' as const };
const gift = { ...walletCoupon, id: '25', title: '好友送的券', receivedFrom: '9', forwardable: false };
const retired = {
  ...walletCoupon,
  id: '26',
  title: '新人首单立减10元',
  status: 'void' as const,
  firstOrderOnly: true,
};

const sentShares = [
  {
    id: '7',
    status: 'accepted' as const,
    coupon: { ...walletCoupon, id: '27', title: '送给小王的券' },
    sharedAt: '2026-12-03T02:00:00.000Z',
    expiresAt: '2026-12-04T02:00:00.000Z',
    acceptedAt: '2026-12-03T03:00:00.000Z',
  },
];

beforeEach(() => {
  resetMerchantNames();
  taroTest.storage.set('allycard.memberToken', 'member-token');
});

describe('我的券', () => {
  it('puts coupons under 可用 / 已使用 / 已失效 with counts; forwarded ones stay under 可用', async () => {
    const sent = mockServer({
      'GET /api/v1/me/coupons': { status: 200, body: [walletCoupon, used, expired, sharing, gift, retired] },
      'GET /api/v1/merchants': { status: 200, body: merchants },
      'GET /api/v1/me/shares': { status: 200, body: sentShares },
    });
    const { container } = render(<MyCouponsPage />);
    expect(await screen.findByText('可用(3)')).toBeTruthy();
    expect(screen.getByText('已使用(1)')).toBeTruthy();
    // a first-order coupon retired by the first purchase is no longer offered as usable
    expect(screen.getByText('已失效(2)')).toBeTruthy();
    const gone = container.querySelector('.wallet__list--expired') as HTMLElement;
    expect(all(gone, '.coupon-item__title').map((el) => el.textContent)).toEqual([
      '过期的券',
      '新人首单立减10元',
    ]);
    expect(within(gone).getByText('已失效')).toBeTruthy();
    const usable = container.querySelector('.wallet__list--usable') as HTMLElement;
    expect(all(usable, '.coupon-item__title').map((el) => el.textContent)).toEqual([
      '老街满减券',
      '转赠中的券',
      '好友送的券',
    ]);
    expect(within(usable).getByText('转赠中')).toBeTruthy();
    expect(within(usable).getByText('好友赠送')).toBeTruthy();
    expect(within(usable).getAllByText('老街咖啡可用')).toHaveLength(3);
    expect(within(usable).getAllByText('有效期至 2025-12-31')).toHaveLength(3);
    const usedList = container.querySelector('.wallet__list--used') as HTMLElement;
    expect(within(usedList).getByText('已使用')).toBeTruthy();
    // one request for every tab
    expect(sent.filter((r) => r.path.startsWith('/api/v1/me/coupons'))).toHaveLength(1);
    // 已赠送: what the member forwarded, and where each stands
    expect(screen.getByText('已赠送(1)')).toBeTruthy();
    const given = container.querySelector('.wallet__list--sent') as HTMLElement;
    expect(within(given).getByText('送给小王的券')).toBeTruthy();
    expect(within(given).getByText('好友已领取 · 2026-12-03 11:00')).toBeTruthy();

    fireEvent.click(within(usable).getByText('老街满减券'));
    expect(navigateTo).toHaveBeenCalledWith({ url: '/coupon/detail/index?id=21' });
  });

  it('says so when a tab is empty and points to 领券中心', async () => {
    mockServer({
      'GET /api/v1/me/coupons': { status: 200, body: [used] },
      'GET /api/v1/merchants': { status: 200, body: merchants },
      'GET /api/v1/me/shares': { status: 200, body: [] },
    });
    render(<MyCouponsPage />);
    expect(await screen.findByText('没有可用的券')).toBeTruthy();
    fireEvent.click(screen.getByText('去领券'));
    expect(navigateTo).toHaveBeenCalledWith({ url: '/coupon/offers/index' });
  });

  it('shows the server message when the wallet cannot be loaded', async () => {
    mockServer({ 'GET /api/v1/me/coupons': apiError(500, 'INTERNAL_ERROR', '服务开小差了') });
    render(<MyCouponsPage />);
    expect(await screen.findByText('券包没打开')).toBeTruthy();
    expect(showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '服务开小差了' }));
  });

  it('files locked coupons (held by a pending order) under 可用', () => {
    expect(walletTab({ ...walletCoupon, status: 'locked' })).toBe('usable');
  });
});

describe('券详情 and 转赠好友', () => {
  const share = {
    shareToken: 'tok123',
    expiresAt: new Date(Date.now() + 86_400_000).toISOString(),
    path: 'pages/share/index?token=tok123',
  };

  function openDetail(coupon: WalletCoupon, routes: Parameters<typeof mockServer>[0] = {}) {
    getCurrentInstance.mockReturnValue({ router: { params: { id: coupon.id } } });
    return mockServer({
      [`GET /api/v1/me/coupons/${coupon.id}`]: { status: 200, body: coupon },
      'GET /api/v1/merchants': { status: 200, body: merchants },
      ...routes,
    });
  }

  it('shows the rules and where the coupon is usable', async () => {
    openDetail(walletCoupon);
    render(<CouponDetailPage />);
    expect(await screen.findByText('适用商户')).toBeTruthy();
    expect(screen.getByText('老街咖啡')).toBeTruthy();
    expect(screen.getByText('2025-11-24 至 2025-12-31')).toBeTruthy();
    expect(screen.getByText('出示会员码')).toBeTruthy();
  });

  it('forwards: creates the share, copies the full link (h5) and shows it with 取消转赠', async () => {
    const sent = openDetail(walletCoupon, {
      'POST /api/v1/me/coupons/21/share': { status: 201, body: share },
    });
    render(<CouponDetailPage />);
    fireEvent.click(await screen.findByText('转赠好友'));
    // asked first: nothing is locked until the member confirms
    expect(await screen.findByText(/转赠后这张券为好友保留 24 小时，期间你不能使用/)).toBeTruthy();
    expect(sent.some((r) => r.method === 'POST')).toBe(false);
    fireEvent.click(screen.getByText('确认转赠'));
    const link = `${window.location.origin}/#/pages/share/index?token=tok123`;
    expect(await screen.findByText(link)).toBeTruthy();
    expect(setClipboardData).toHaveBeenCalledWith({ data: link });
    expect(screen.getAllByText('转赠中').length).toBeGreaterThan(0);
    expect(screen.getByText('取消转赠')).toBeTruthy();
    expect(sent.some((r) => r.method === 'POST' && r.path === '/api/v1/me/coupons/21/share')).toBe(true);
  });

  it('shows the link again when the coupon is opened later, and cancels the share', async () => {
    taroTest.storage.set('allycard.shares', JSON.stringify({ '24': share }));
    const sent = openDetail(sharing, {
      'DELETE /api/v1/me/coupons/24/share': { status: 200, body: { ...sharing, status: 'available' } },
    });
    render(<CouponDetailPage />);
    expect(
      await screen.findByText(`${window.location.origin}/#/pages/share/index?token=tok123`),
    ).toBeTruthy();
    fireEvent.click(screen.getByText('取消转赠'));
    expect(await screen.findByText('转赠好友')).toBeTruthy();
    expect(sent.some((r) => r.method === 'DELETE')).toBe(true);
    expect(taroTest.storage.has('allycard.shares')).toBe(false);
    expect(showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '已取消转赠' }));
  });

  it('shows the server message when the coupon cannot be forwarded', async () => {
    openDetail(walletCoupon, {
      'POST /api/v1/me/coupons/21/share': apiError(422, 'NOT_FORWARDABLE', '该券不支持转赠'),
    });
    render(<CouponDetailPage />);
    fireEvent.click(await screen.findByText('转赠好友'));
    fireEvent.click(await screen.findByText('确认转赠'));
    await waitFor(() =>
      expect(showToast).toHaveBeenCalledWith(
        expect.objectContaining({ title: '该券不支持转赠', icon: 'none' }),
      ),
    );
    expect(screen.queryByText('转赠好友')).toBeNull();
    expect(setClipboardData).not.toHaveBeenCalled();
  });

  it('offers no forwarding for a coupon a friend gave', async () => {
    openDetail(gift);
    render(<CouponDetailPage />);
    expect(await screen.findByText('好友赠送（不能再转赠）')).toBeTruthy();
    expect(screen.queryByText('转赠好友')).toBeNull();
  });
});
