import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { redirectTo, taroTest } from './__mocks__/taro';
import StaffLoginPage from '../src/staff/login/index';
import StaffVerifyPage from '../src/staff/verify/index';
import { staffApi } from '../src/services/api';
import { apiError, member, mockServer, type SentRequest } from './helpers';

const MINUTE = 60_000;
const inMinutes = (n: number) => new Date(Date.now() + n * MINUTE).toISOString();

/** A signed-in clerk whose access token expires in `minutes`. */
function signedIn(minutes: number, token = 'old-token', refreshToken = 'refresh-1') {
  taroTest.storage.set('allycard.staffToken', token);
  taroTest.storage.set('allycard.staffRenewal', { refreshToken, expiresAt: Date.now() + minutes * MINUTE });
}

const lookupOk = { status: 200, body: { member, coupons: [] } };
const bearer = (req: SentRequest) => req.headers.authorization;

describe('staff token refresh', () => {
  it('keeps the refresh token of a login', async () => {
    mockServer({
      'POST /api/v1/staff/login': {
        status: 200,
        body: {
          token: 'staff-token',
          refreshToken: 'refresh-1',
          expiresAt: inMinutes(30),
          staff: { id: '1', merchantId: '3', role: 'clerk' },
        },
      },
    });
    const { container } = render(<StaffLoginPage />);
    fireEvent.change(container.querySelector('.staff__input--username input') as HTMLInputElement, {
      target: { value: 'clerk1' },
    });
    fireEvent.change(container.querySelector('.staff__input--password input') as HTMLInputElement, {
      target: { value: 'secret' },
    });
    fireEvent.click(screen.getByText('登录'));
    await waitFor(() => expect(redirectTo).toHaveBeenCalledWith({ url: '/staff/verify/index' }));
    expect(taroTest.storage.get('allycard.staffToken')).toBe('staff-token');
    expect(taroTest.storage.get('allycard.staffRenewal')).toEqual({
      refreshToken: 'refresh-1',
      expiresAt: expect.any(Number),
    });
  });

  it('renews a token about to expire before the request, once for requests that go together', async () => {
    signedIn(1);
    const sent = mockServer({
      'POST /api/v1/staff/refresh': {
        status: 200,
        body: { token: 'new-token', refreshToken: 'refresh-2', expiresAt: inMinutes(30) },
      },
      'POST /api/v1/staff/members/lookup': lookupOk,
    });
    await Promise.all([staffApi.lookupMember('1'), staffApi.lookupMember('2')]);
    const refreshes = sent.filter((r) => r.path === '/api/v1/staff/refresh');
    expect(refreshes).toHaveLength(1);
    expect(refreshes[0].body).toEqual({ refreshToken: 'refresh-1' });
    expect(refreshes[0].headers.authorization).toBeUndefined();
    const lookups = sent.filter((r) => r.path === '/api/v1/staff/members/lookup');
    expect(lookups.map(bearer)).toEqual(['Bearer new-token', 'Bearer new-token']);
    expect(taroTest.storage.get('allycard.staffToken')).toBe('new-token');
    expect(taroTest.storage.get('allycard.staffRenewal')).toMatchObject({ refreshToken: 'refresh-2' });
  });

  it('does not renew a token with time left', async () => {
    signedIn(20);
    const sent = mockServer({ 'POST /api/v1/staff/members/lookup': lookupOk });
    await staffApi.lookupMember('1');
    expect(sent.map((r) => r.path)).toEqual(['/api/v1/staff/members/lookup']);
  });

  it('renews once on a 401 and sends the request again', async () => {
    signedIn(20);
    const sent = mockServer({
      'POST /api/v1/staff/refresh': {
        status: 200,
        body: { token: 'new-token', refreshToken: 'refresh-2', expiresAt: inMinutes(30) },
      },
      'POST /api/v1/staff/members/lookup': (req) =>
        bearer(req) === 'Bearer new-token'
          ? lookupOk
          : apiError(401, 'UNAUTHENTICATED', '登录已失效，请重新登录'),
    });
    const res = await staffApi.lookupMember('1');
    expect(res.member.cardNo).toBe(member.cardNo);
    expect(sent.map((r) => `${r.path} ${bearer(r) ?? ''}`.trim())).toEqual([
      '/api/v1/staff/members/lookup Bearer old-token',
      '/api/v1/staff/refresh',
      '/api/v1/staff/members/lookup Bearer new-token',
    ]);
  });

  it('signs the clerk out when the refresh is refused (disabled, new password, session over)', async () => {
    signedIn(20);
    const sent = mockServer({
      'POST /api/v1/staff/refresh': apiError(401, 'UNAUTHENTICATED', '登录已失效，请重新登录'),
      'POST /api/v1/staff/members/lookup': apiError(401, 'UNAUTHENTICATED', '登录已失效，请重新登录'),
    });
    const { container } = render(<StaffVerifyPage />);
    fireEvent.change(container.querySelector('.verify__input input') as HTMLInputElement, {
      target: { value: '123400000000017' },
    });
    fireEvent.click(screen.getByText('查询'));
    await waitFor(() => expect(redirectTo).toHaveBeenCalledWith({ url: '/staff/login/index' }));
    expect(sent.filter((r) => r.path === '/api/v1/staff/refresh')).toHaveLength(1);
    expect(taroTest.storage.has('allycard.staffToken')).toBe(false);
    expect(taroTest.storage.has('allycard.staffRenewal')).toBe(false);
  });

  it('keeps the session when the refresh cannot reach the server', async () => {
    signedIn(1);
    mockServer({
      'POST /api/v1/staff/refresh': {
        status: 503,
        body: { error: { code: 'UNAVAILABLE', message: '稍后再试' } },
      },
      'POST /api/v1/staff/members/lookup': lookupOk,
    });
    await staffApi.lookupMember('1');
    expect(taroTest.storage.get('allycard.staffToken')).toBe('old-token');
    expect(taroTest.storage.get('allycard.staffRenewal')).toMatchObject({ refreshToken: 'refresh-1' });
  });
});
