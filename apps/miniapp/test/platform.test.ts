import { login, request } from './__mocks__/taro';
import { DEMO_OPENID_KEY, demoOpenid, getLoginCode } from '../src/platform/login.h5';
import { apiError, mockServer } from './helpers';

describe('h5 login (WeChat sandbox)', () => {
  it('creates one demo openid per browser profile and keeps it', () => {
    const first = demoOpenid();
    expect(first).toMatch(/^h5_[a-z0-9]{24}$/);
    expect(window.localStorage.getItem(DEMO_OPENID_KEY)).toBe(first);
    expect(demoOpenid()).toBe(first);
  });

  it('asks the sandbox for the code wx.login would give this openid', async () => {
    window.localStorage.setItem(DEMO_OPENID_KEY, 'h5_fixedopenid');
    const sent = mockServer({
      'POST /sandbox/wechat/login-code': { status: 200, body: { code: 'sandbox-code-1' } },
    });
    await expect(getLoginCode()).resolves.toBe('sandbox-code-1');
    expect(sent).toEqual([
      expect.objectContaining({
        method: 'POST',
        path: '/sandbox/wechat/login-code',
        body: { openid: 'h5_fixedopenid' },
      }),
    ]);
    expect(login).not.toHaveBeenCalled();
  });

  it('passes the sandbox error on with its message', async () => {
    mockServer({ 'POST /sandbox/wechat/login-code': apiError(404, 'NOT_FOUND', '沙箱未开启') });
    await expect(getLoginCode()).rejects.toMatchObject({ status: 404, message: '沙箱未开启' });
  });

  it('uses the same openid for every login of this profile', async () => {
    const sent = mockServer({ 'POST /sandbox/wechat/login-code': { status: 200, body: { code: 'c' } } });
    await getLoginCode();
    await getLoginCode();
    expect((sent[0].body as { openid: string }).openid).toBe((sent[1].body as { openid: string }).openid);
  });
});

describe('weapp login', () => {
  // The weapp twin, loaded explicitly (jest prefers the .h5 files, like an h5 build).
  const weapp = jest.requireActual('../src/platform/login.ts') as typeof import('../src/platform/login');

  it('returns the wx.login code without touching the network', async () => {
    login.mockResolvedValue({ code: 'wx-code-9', errMsg: 'login:ok' });
    await expect(weapp.getLoginCode()).resolves.toBe('wx-code-9');
    expect(request).not.toHaveBeenCalled();
  });

  it('fails with a friendly message when WeChat gives no code', async () => {
    login.mockResolvedValue({ code: '', errMsg: 'login:ok' });
    await expect(weapp.getLoginCode()).rejects.toThrow('微信登录失败，请稍后重试');
    login.mockRejectedValue({ errMsg: 'login:fail' });
    await expect(weapp.getLoginCode()).rejects.toThrow('微信登录失败，请稍后重试');
  });
});
