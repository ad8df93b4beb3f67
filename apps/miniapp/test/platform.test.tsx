import { render, screen } from '@testing-library/react';
import { login, request, setClipboardData, showToast, useShareAppMessage } from './__mocks__/taro';
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

describe('h5 sharing (a link instead of WeChat’s share sheet)', () => {
  const h5 = require('../src/platform/share.h5') as typeof import('../src/platform/share.h5');
  const target = { title: '送你一张券', path: 'pages/share/index?token=abc' };

  it('builds the full link to this build’s share page', () => {
    expect(h5.shareLink(target.path)).toBe(`${window.location.origin}/#/pages/share/index?token=abc`);
  });

  it('copies the link with Taro.setClipboardData and says so', async () => {
    await h5.deliverShare(target);
    expect(setClipboardData).toHaveBeenCalledWith({
      data: `${window.location.origin}/#/pages/share/index?token=abc`,
    });
    expect(showToast).toHaveBeenLastCalledWith(expect.objectContaining({ title: '链接已复制，发给好友吧' }));
  });

  it('asks to copy by hand when the clipboard is not available', async () => {
    setClipboardData.mockRejectedValue({ errMsg: 'setClipboardData:fail' });
    await h5.deliverShare(target);
    expect(showToast).toHaveBeenLastCalledWith(
      expect.objectContaining({ title: '没能复制，请长按链接手动复制' }),
    );
  });

  it('shows the link and registers nothing with WeChat', () => {
    render(<h5.SharePanel target={target} note="明天前领取" />);
    expect(screen.getByText(`${window.location.origin}/#/pages/share/index?token=abc`)).toBeTruthy();
    h5.useShareTarget(target, target);
    expect(useShareAppMessage).not.toHaveBeenCalled();
  });
});

describe('weapp sharing', () => {
  const weapp = jest.requireActual('../src/platform/share.tsx') as typeof import('../src/platform/share');
  const fallback = { title: '联盟会员卡', path: 'pages/join/index' };

  function Page({ target }: { target: { title: string; path: string } | null }) {
    weapp.useShareTarget(target, fallback);
    return target ? <weapp.SharePanel target={target} /> : null;
  }

  it('hands WeChat’s share sheet the share page path, or the join page before anything is shared', () => {
    const { rerender } = render(<Page target={null} />);
    const handler = () => useShareAppMessage.mock.calls[useShareAppMessage.mock.calls.length - 1][0]();
    expect(handler()).toEqual({ title: '联盟会员卡', path: '/pages/join/index' });
    rerender(<Page target={{ title: '送你一张券', path: 'pages/share/index?token=abc' }} />);
    expect(handler()).toEqual({ title: '送你一张券', path: '/pages/share/index?token=abc' });
    expect(screen.getByText('发给微信好友').closest('[data-open-type]')?.getAttribute('data-open-type')).toBe(
      'share',
    );
  });
});
