import { act, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { navigateTo, redirectTo, request, taroTest } from './__mocks__/taro';
import CardPage, { refreshDelay } from '../src/pages/card/index';
import { DEMO_OPENID_KEY } from '../src/platform/login.h5';
import { apiError, coupon, member, mockServer, profile } from './helpers';

function codeAnswer(code: string, secondsLeft = 60) {
  return { status: 200, body: { code, expiresAt: new Date(Date.now() + secondsLeft * 1000).toISOString() } };
}

beforeEach(() => {
  window.localStorage.setItem(DEMO_OPENID_KEY, 'h5_cardtest');
});

describe('card page', () => {
  it('signs in silently, then shows the card and the member code', async () => {
    const sent = mockServer({
      'POST /sandbox/wechat/login-code': { status: 200, body: { code: 'lc' } },
      'POST /api/v1/auth/login': { status: 200, body: { token: 'fresh-token', member } },
      'GET /api/v1/me': { status: 200, body: profile },
      'GET /api/v1/me/member-code': codeAnswer('123400000000017'),
    });
    const { container } = render(<CardPage />);
    await waitFor(() =>
      expect(container.querySelector('.member-card__number')?.textContent).toBe('6222 0212 3456 7894'),
    );
    expect(container.querySelector('.member-code__qr img')?.getAttribute('src')).toMatch(
      /^data:image\/svg\+xml,/,
    );
    // the digits in fours, like the card number
    expect(screen.getByText('1234 0000 0000 017')).toBeTruthy();
    expect(container.querySelector('.member-code__qr img')?.getAttribute('alt')).toBe('会员码二维码');
    expect(screen.getByText('2')).toBeTruthy(); // couponCount
    expect(sent.find((r) => r.path === '/api/v1/auth/login')?.body).toEqual({ code: 'lc' });
    expect(sent.find((r) => r.path === '/api/v1/me')?.headers.authorization).toBe('Bearer fresh-token');
  });

  it('tells a sender once that a friend’s first purchase brought the 拉新 reward', async () => {
    taroTest.storage.set('allycard.memberToken', 'token');
    const referralReward = {
      at: '2026-12-04T02:00:00.000Z',
      points: 50,
      coupon: { id: 'c9', title: '拉新奖励券' },
    };
    mockServer({
      'GET /api/v1/me': { status: 200, body: { ...profile, referralReward } },
      'GET /api/v1/me/member-code': codeAnswer('123400000000017'),
    });
    const first = render(<CardPage />);
    expect(await screen.findByText('好友完成首单，拉新奖励已到账')).toBeTruthy();
    expect(screen.getByText('「拉新奖励券」已放入券包，+50 积分')).toBeTruthy();
    fireEvent.click(screen.getByText('去看看'));
    expect(navigateTo).toHaveBeenCalledWith({ url: '/coupon/detail/index?id=c9' });
    expect(screen.queryByText('好友完成首单，拉新奖励已到账')).toBeNull();
    first.unmount();

    // told once: the same reward stays quiet on the next visit
    render(<CardPage />);
    await screen.findByText('1234 0000 0000 017');
    expect(screen.queryByText('好友完成首单，拉新奖励已到账')).toBeNull();
  });

  it('sends a shopper who never joined to the join page', async () => {
    mockServer({
      'POST /sandbox/wechat/login-code': { status: 200, body: { code: 'lc' } },
      'POST /api/v1/auth/login': apiError(404, 'NOT_A_MEMBER', '还不是会员'),
    });
    render(<CardPage />);
    await waitFor(() => expect(redirectTo).toHaveBeenCalledWith({ url: '/pages/join/index' }));
  });

  it('signs in again once when the stored token has gone stale', async () => {
    taroTest.storage.set('allycard.memberToken', 'stale');
    let meCalls = 0;
    mockServer({
      'POST /sandbox/wechat/login-code': { status: 200, body: { code: 'lc' } },
      'POST /api/v1/auth/login': { status: 200, body: { token: 'fresh', member } },
      'GET /api/v1/me': (req) =>
        req.headers.authorization === 'Bearer fresh'
          ? (meCalls++, { status: 200, body: profile })
          : apiError(401, 'UNAUTHENTICATED', '请重新登录'),
      'GET /api/v1/me/member-code': (req) =>
        req.headers.authorization === 'Bearer fresh'
          ? codeAnswer('1')
          : apiError(401, 'UNAUTHENTICATED', '请重新登录'),
    });
    const { container } = render(<CardPage />);
    await waitFor(() => expect(container.querySelector('.member-card__number')).not.toBeNull());
    expect(meCalls).toBe(1);
    expect(taroTest.storage.get('allycard.memberToken')).toBe('fresh');
  });

  it('shows the welcome coupons issued at join', async () => {
    taroTest.storage.set('allycard.memberToken', 'ok');
    taroTest.storage.set('allycard.welcomeCoupons', JSON.stringify([coupon]));
    mockServer({
      'GET /api/v1/me': { status: 200, body: profile },
      'GET /api/v1/me/member-code': codeAnswer('1'),
    });
    render(<CardPage />);
    expect(await screen.findByText('新人无门槛券')).toBeTruthy();
    expect(screen.getByText('入会礼')).toBeTruthy();
    expect(screen.getByText('1 张礼券已放入你的券包')).toBeTruthy();
  });

  it('shows the alliance name and the ways to coupons, points and the mall', async () => {
    taroTest.storage.set('allycard.memberToken', 'ok');
    mockServer({
      'GET /api/v1/me': {
        status: 200,
        body: { ...profile, alliance: { name: '人民路商圈', cardTitle: '联盟卡' } },
      },
      'GET /api/v1/me/member-code': codeAnswer('1'),
    });
    render(<CardPage />);
    expect(await screen.findByText('人民路商圈')).toBeTruthy();
    for (const [label, url] of [
      ['我的券', '/coupon/mine/index'],
      ['积分', '/points/balance/index'],
      ['领券中心', '/coupon/offers/index'],
      ['积分商城', '/points/mall/index'],
    ]) {
      fireEvent.click(screen.getByText(label, { selector: '.card__entry-label' }));
      expect(navigateTo).toHaveBeenLastCalledWith({ url });
    }
  });

  it('takes the member from the join gift to the coupon (去使用) and forgets the block', async () => {
    taroTest.storage.set('allycard.memberToken', 'ok');
    taroTest.storage.set('allycard.welcomeCoupons', JSON.stringify([coupon]));
    mockServer({
      'GET /api/v1/me': { status: 200, body: profile },
      'GET /api/v1/me/member-code': codeAnswer('1'),
    });
    render(<CardPage />);
    fireEvent.click(await screen.findByText('去使用'));
    expect(navigateTo).toHaveBeenCalledWith({ url: '/coupon/detail/index?id=c1' });
    expect(taroTest.storage.has('allycard.welcomeCoupons')).toBe(false);
    expect(screen.queryByText('入会礼')).toBeNull();
  });

  it('puts the member code first, before the card, the join gift and 买单', async () => {
    taroTest.storage.set('allycard.memberToken', 'ok');
    taroTest.storage.set('allycard.welcomeCoupons', JSON.stringify([coupon]));
    mockServer({
      'GET /api/v1/me': { status: 200, body: profile },
      'GET /api/v1/me/member-code': codeAnswer('123400000000017'),
    });
    const { container } = render(<CardPage />);
    await screen.findByText('1234 0000 0000 017');
    const blocks = [...container.querySelector('.card')!.children].map((el) => el.className);
    expect(blocks[0]).toContain('member-code');
    expect(blocks.findIndex((c) => c.includes('card__welcome'))).toBeGreaterThan(0);
    expect(blocks.findIndex((c) => c.includes('card__pay'))).toBeGreaterThan(0);
  });

  it('shows the join gift open on its first view only, then folded to one line that opens it', async () => {
    taroTest.storage.set('allycard.memberToken', 'ok');
    taroTest.storage.set('allycard.welcomeCoupons', JSON.stringify([coupon]));
    mockServer({
      'GET /api/v1/me': { status: 200, body: profile },
      'GET /api/v1/me/member-code': codeAnswer('1'),
    });
    const first = render(<CardPage />);
    expect(await screen.findByText('新人无门槛券')).toBeTruthy();
    first.unmount();

    // the member comes back to the card (the same storage): one line, the coupons behind a tap
    render(<CardPage />);
    expect(await screen.findByText('1 张礼券在你的券包')).toBeTruthy();
    expect(screen.queryByText('新人无门槛券')).toBeNull();
    fireEvent.click(screen.getByText('展开 ›'));
    expect(screen.getByText('新人无门槛券')).toBeTruthy();
    expect(screen.getByText('1 张礼券已放入你的券包')).toBeTruthy();
  });

  it('shows an error state with the server message and retries', async () => {
    taroTest.storage.set('allycard.memberToken', 'ok');
    mockServer({ 'GET /api/v1/me': apiError(503, 'WECHAT_UNAVAILABLE', '服务开小差了') });
    render(<CardPage />);
    expect(await screen.findByText('服务开小差了')).toBeTruthy();
    mockServer({
      'GET /api/v1/me': { status: 200, body: profile },
      'GET /api/v1/me/member-code': codeAnswer('1'),
    });
    act(() => screen.getByText('重试').click());
    expect(await screen.findByText('再消费 ¥320.00 升级金卡')).toBeTruthy();
  });

  describe('member code refresh', () => {
    beforeEach(() => jest.useFakeTimers());
    afterEach(() => jest.useRealTimers());

    it('fetches a new code shortly before expiry, and stops while the page is hidden', async () => {
      taroTest.storage.set('allycard.memberToken', 'ok');
      let n = 0;
      mockServer({
        'GET /api/v1/me': { status: 200, body: profile },
        'GET /api/v1/me/member-code': () => codeAnswer(`10000000000000${++n}`, 30),
      });
      render(<CardPage />);
      await act(async () => {
        await jest.advanceTimersByTimeAsync(0);
      });
      expect(screen.getByText('1000 0000 0000 001')).toBeTruthy();

      await act(async () => {
        await jest.advanceTimersByTimeAsync(25_000);
      });
      expect(screen.getByText('1000 0000 0000 002')).toBeTruthy();

      act(() => taroTest.hide());
      const callsWhenHidden = request.mock.calls.length;
      await act(async () => {
        await jest.advanceTimersByTimeAsync(120_000);
      });
      expect(request.mock.calls.length).toBe(callsWhenHidden);
    });
  });
});

describe('refreshDelay', () => {
  const now = Date.parse('2025-11-24T08:00:00Z');
  it('asks for the next code five seconds before this one expires', () => {
    expect(refreshDelay(new Date(now + 40_000).toISOString(), now)).toBe(35_000);
  });
  it('neither hammers the server nor lets a code lapse when the phone clock is off', () => {
    expect(refreshDelay(new Date(now - 600_000).toISOString(), now)).toBe(10_000);
    expect(refreshDelay(new Date(now + 600_000).toISOString(), now)).toBe(55_000);
    expect(refreshDelay('not a date', now)).toBe(10_000);
  });
});
