import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { getCurrentInstance, navigateTo, showToast, taroTest } from './__mocks__/taro';
import OffersPage from '../src/coupon/offers/index';
import { resetMerchantNames } from '../src/services/merchants';
import { all, apiError, coupon, member, merchants, mockServer, offer, walletCoupon } from './helpers';

const soldOut = {
  ...offer,
  id: 't10',
  title: '限量5元券',
  remaining: 0,
  kind: 'no_threshold' as const,
  valueFen: 500,
  thresholdFen: 0,
  usableAt: 'alliance' as const,
  merchantIds: [],
  forwardable: false,
};
const claimed = { ...offer, id: 't11', title: '已领过的券', claimedByMe: 1 };

function offersServer(overrides: Parameters<typeof mockServer>[0] = {}) {
  return mockServer({
    'GET /api/v1/offers': { status: 200, body: [offer, soldOut, claimed] },
    'GET /api/v1/merchants': { status: 200, body: merchants },
    ...overrides,
  });
}

function ticket(container: HTMLElement, title: string): HTMLElement {
  const found = all(container, '.coupon-item').find((el) => el.textContent?.includes(title));
  if (!found) throw new Error(`no ticket ${title}`);
  return found;
}

beforeEach(() => {
  resetMerchantNames();
  taroTest.storage.set('allycard.memberToken', 'member-token');
});

describe('领券中心', () => {
  it('lists offers with value, rule, where usable, stock and the right button for each', async () => {
    offersServer();
    const { container } = render(<OffersPage />);
    await screen.findByText('老街满减券');
    const first = within(ticket(container, '老街满减券'));
    expect(first.getByText('¥20')).toBeTruthy();
    expect(first.getByText('满100减20')).toBeTruthy();
    expect(first.getByText('老街咖啡可用')).toBeTruthy();
    expect(first.getByText('领取后 30 天内有效')).toBeTruthy();
    expect(first.getByText('剩 42 张')).toBeTruthy();
    expect(first.getByText('可转赠')).toBeTruthy();
    expect(first.getByText('立即领取')).toBeTruthy();
    expect(within(ticket(container, '限量5元券')).getByText('已抢光')).toBeTruthy();
    expect(within(ticket(container, '已领过的券')).getByText('已领取')).toBeTruthy();
  });

  it('claims with an Idempotency-Key and shows the offer as taken', async () => {
    const sent = offersServer({ 'POST /api/v1/offers/t9/claim': { status: 201, body: walletCoupon } });
    const { container } = render(<OffersPage />);
    await screen.findByText('老街满减券');
    fireEvent.click(within(ticket(container, '老街满减券')).getByText('立即领取'));
    await waitFor(() => expect(within(ticket(container, '老街满减券')).getByText('已领取')).toBeTruthy());
    const claim = sent.find((r) => r.path === '/api/v1/offers/t9/claim');
    expect(claim?.headers['idempotency-key']).toMatch(/^[\x21-\x7e]{1,64}$/);
    expect(claim?.headers.authorization).toBe('Bearer member-token');
    expect(showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '领取成功' }));
    expect(within(ticket(container, '老街满减券')).getByText('剩 41 张')).toBeTruthy();
    // 去使用 opens the coupon just claimed; an offer claimed on an earlier visit opens the wallet
    fireEvent.click(within(ticket(container, '老街满减券')).getByText('去使用'));
    expect(navigateTo).toHaveBeenLastCalledWith({
      url: `/coupon/detail/index?id=${walletCoupon.id}`,
    });
    fireEvent.click(within(ticket(container, '已领过的券')).getByText('去使用'));
    expect(navigateTo).toHaveBeenLastCalledWith({ url: '/coupon/mine/index' });
  });

  it('shows the server’s message when the last one was just taken, and marks the offer sold out', async () => {
    offersServer({ 'POST /api/v1/offers/t9/claim': apiError(409, 'OUT_OF_STOCK', '来晚了，券已抢光') });
    const { container } = render(<OffersPage />);
    await screen.findByText('老街满减券');
    fireEvent.click(within(ticket(container, '老街满减券')).getByText('立即领取'));
    await waitFor(() =>
      expect(showToast).toHaveBeenCalledWith(
        expect.objectContaining({ title: '来晚了，券已抢光', icon: 'none' }),
      ),
    );
    expect(within(ticket(container, '老街满减券')).getByText('已抢光')).toBeTruthy();
  });

  it('retries a claim whose answer was lost with the same key', async () => {
    let calls = 0;
    const sent = offersServer({
      'POST /api/v1/offers/t9/claim': () =>
        ++calls === 1 ? apiError(502, 'HTTP_502', '网络不太顺畅') : { status: 201, body: walletCoupon },
    });
    const { container } = render(<OffersPage />);
    await screen.findByText('老街满减券');
    fireEvent.click(within(ticket(container, '老街满减券')).getByText('立即领取'));
    await waitFor(() =>
      expect(showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '网络不太顺畅' })),
    );
    fireEvent.click(within(ticket(container, '老街满减券')).getByText('立即领取'));
    await waitFor(() => expect(within(ticket(container, '老街满减券')).getByText('已领取')).toBeTruthy());
    const keys = sent.filter((r) => r.method === 'POST').map((r) => r.headers['idempotency-key']);
    expect(keys).toHaveLength(2);
    expect(keys[0]).toBe(keys[1]);
  });

  it('has an empty state and an error state with retry', async () => {
    offersServer({ 'GET /api/v1/offers': { status: 200, body: [] } });
    const { unmount } = render(<OffersPage />);
    expect(await screen.findByText('暂时没有可领的券')).toBeTruthy();
    unmount();
    offersServer({ 'GET /api/v1/offers': apiError(503, 'UNAVAILABLE', '服务开小差了') });
    render(<OffersPage />);
    expect(await screen.findByText('服务开小差了')).toBeTruthy();
    expect(showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '服务开小差了' }));
    offersServer();
    fireEvent.click(screen.getByText('重试'));
    expect(await screen.findByText('老街满减券')).toBeTruthy();
  });

  it('lets a visitor browse before joining; the first claim joins (after the agreement) and claims', async () => {
    taroTest.storage.delete('allycard.memberToken');
    getCurrentInstance.mockReturnValue({ router: { params: { scene: 'shop1' } } });
    let joined = false;
    const sent = mockServer({
      'POST /sandbox/wechat/login-code': { status: 200, body: { code: 'lc' } },
      'POST /api/v1/auth/login': apiError(404, 'NOT_A_MEMBER', '还不是会员'),
      'GET /api/v1/offers/browse?scene=shop1': { status: 200, body: [offer] },
      'GET /api/v1/merchants/browse?scene=shop1': { status: 200, body: merchants },
      'GET /api/v1/privacy-policy?scene=shop1': {
        status: 200,
        body: {
          version: 3,
          terms: { title: '用户协议', body: '…' },
          privacy: { title: '隐私政策', body: '…' },
        },
      },
      'POST /api/v1/join': () => {
        joined = true;
        return { status: 201, body: { token: 'tk', member, newlyJoined: true, coupons: [coupon] } };
      },
      'POST /api/v1/offers/t9/claim': { status: 201, body: walletCoupon },
      'GET /api/v1/offers': () =>
        joined
          ? { status: 200, body: [{ ...offer, claimedByMe: 1 }] }
          : apiError(401, 'UNAUTHENTICATED', '请先登录'),
      'GET /api/v1/merchants': { status: 200, body: merchants },
    });
    const { container } = render(<OffersPage />);
    expect(await screen.findByText('入会后即可领取')).toBeTruthy();
    expect(screen.queryByText('我的券 ›')).toBeNull();
    // a visitor already reads where the coupon is used
    expect(within(ticket(container, '老街满减券')).getByText('老街咖啡可用')).toBeTruthy();
    fireEvent.click(within(ticket(container, '老街满减券')).getByText('立即领取'));
    // nothing joins before the agreement has loaded and been ticked
    fireEvent.click(await screen.findByText('入会并领取'));
    const box = await screen.findByRole('checkbox');
    expect(box.getAttribute('aria-checked')).toBe('false');
    fireEvent.click(screen.getByText('入会并领取'));
    await waitFor(() =>
      expect(showToast).toHaveBeenCalledWith(
        expect.objectContaining({ title: '请先阅读并勾选同意《用户协议》和《隐私政策》' }),
      ),
    );
    expect(sent.some((r) => r.path === '/api/v1/join')).toBe(false);

    fireEvent.click(box);
    fireEvent.click(screen.getByText('入会并领取'));
    await waitFor(() =>
      expect(showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '入会成功，券已领取' })),
    );
    expect(sent.find((r) => r.path === '/api/v1/join')?.body).toEqual({
      code: 'lc',
      scene: 'shop1',
      policyVersion: 3,
    });
    const claim = sent.find((r) => r.path === '/api/v1/offers/t9/claim');
    expect(claim?.headers.authorization).toBe('Bearer tk');
    // now a member: the page reloads as the member's 领券中心
    await waitFor(() => expect(within(ticket(container, '老街满减券')).getByText('去使用')).toBeTruthy());
    expect(screen.getByText('我的券 ›')).toBeTruthy();
    // the join gifts wait for the card's welcome
    expect(JSON.parse(taroTest.storage.get('allycard.welcomeCoupons') as string)).toEqual([coupon]);
  });
});
