import { ApiError } from '@allycard/contracts';
import { request } from './__mocks__/taro';
import { memberApi, memberToken, staffApi, staffToken } from '../src/services/api';
import { errorMessage, FALLBACK_ERROR_MESSAGE, hasCode, userError } from '../src/services/errors';
import { NETWORK_ERROR_CODE, taroTransport } from '../src/services/transport';
import { apiError, mockServer, profile } from './helpers';

describe('taroTransport', () => {
  it('sends the request through Taro.request and hands back status and parsed body', async () => {
    request.mockResolvedValue({ statusCode: 201, data: { ok: true }, header: {} });
    const res = await taroTransport({
      method: 'POST',
      url: '/api/v1/join',
      headers: { 'content-type': 'application/json' },
      body: '{"code":"c"}',
    });
    expect(res).toEqual({ status: 201, body: { ok: true } });
    expect(request).toHaveBeenCalledWith(
      expect.objectContaining({
        url: '/api/v1/join',
        method: 'POST',
        data: '{"code":"c"}',
        header: { 'content-type': 'application/json' },
      }),
    );
  });

  it('parses a JSON body that arrives as a string (weapp hands back text it could not parse)', async () => {
    request.mockResolvedValue({
      statusCode: 422,
      data: '{"error":{"code":"CODE_EXPIRED","message":"过期"}}',
    });
    const res = await taroTransport({ method: 'GET', url: '/x', headers: {} });
    expect(res.body).toEqual({ error: { code: 'CODE_EXPIRED', message: '过期' } });
  });

  it('keeps a non-JSON body as text and an empty one as null', async () => {
    request.mockResolvedValueOnce({ statusCode: 502, data: 'Bad Gateway' });
    expect((await taroTransport({ method: 'GET', url: '/x', headers: {} })).body).toBe('Bad Gateway');
    request.mockResolvedValueOnce({ statusCode: 204, data: '' });
    expect((await taroTransport({ method: 'GET', url: '/x', headers: {} })).body).toBeNull();
  });

  it('turns a request that never got an answer into a NETWORK_ERROR ApiError with a friendly message', async () => {
    request.mockRejectedValue({ errMsg: 'request:fail timeout' });
    const error = await taroTransport({ method: 'GET', url: '/x', headers: {} }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 0, code: NETWORK_ERROR_CODE });
    expect(errorMessage(error)).toMatch(/网络/);
  });
});

describe('api clients', () => {
  it('maps the error envelope to ApiError with the server message', async () => {
    mockServer({
      'POST /api/v1/staff/members/lookup': apiError(422, 'CODE_EXPIRED', '会员码已过期，请让顾客刷新'),
    });
    staffToken.set('staff-token');
    const error = await staffApi.lookupMember('1234').catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 422, code: 'CODE_EXPIRED', message: '会员码已过期，请让顾客刷新' });
    expect(hasCode(error, 422, 'CODE_EXPIRED')).toBe(true);
    expect(errorMessage(error)).toBe('会员码已过期，请让顾客刷新');
  });

  it('falls back to the status when a 5xx has no envelope', async () => {
    mockServer({ 'GET /api/v1/me': { status: 500, body: 'oops' } });
    const error = await memberApi.me().catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 500, code: 'HTTP_500' });
  });

  it('sends the member token to member routes and the staff token to staff routes, never mixed', async () => {
    const sent = mockServer({
      'GET /api/v1/me': { status: 200, body: profile },
      'POST /api/v1/staff/members/lookup': { status: 200, body: { member: profile, coupons: [] } },
    });
    memberToken.set('member-token');
    staffToken.set('staff-token');
    await memberApi.me();
    await staffApi.lookupMember('123');
    expect(sent[0]).toMatchObject({
      path: '/api/v1/me',
      headers: expect.objectContaining({ authorization: 'Bearer member-token' }),
    });
    expect(sent[1]).toMatchObject({
      path: '/api/v1/staff/members/lookup',
      body: { memberCode: '123' },
      headers: expect.objectContaining({ authorization: 'Bearer staff-token' }),
    });
  });

  it('sends no authorization header without a token, and forgets a cleared token', async () => {
    const sent = mockServer({ 'GET /api/v1/me': apiError(401, 'UNAUTHENTICATED', '请先登录') });
    memberToken.set('t');
    memberToken.clear();
    expect(memberToken.get()).toBeNull();
    await memberApi.me().catch(() => undefined);
    expect(sent[0].headers.authorization).toBeUndefined();
  });
});

describe('errorMessage', () => {
  it('shows messages written for people and hides programming errors', () => {
    expect(errorMessage(userError('请输入账号和密码'))).toBe('请输入账号和密码');
    expect(errorMessage(new TypeError("Cannot read properties of undefined (reading 'x')"))).toBe(
      FALLBACK_ERROR_MESSAGE,
    );
    expect(errorMessage({ errMsg: 'login:fail' })).toBe(FALLBACK_ERROR_MESSAGE);
  });
});
