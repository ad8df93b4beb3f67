import { readFileSync } from 'node:fs';
import path from 'node:path';
import { request } from './__mocks__/taro';
import { taroTransport } from '../src/services/transport';

// The inline script of the H5 page, exactly as the build ships it.
const indexHtml = readFileSync(path.join(__dirname, '../src/index.html'), 'utf8');
const earlyScript = [...indexHtml.matchAll(/<script>([\s\S]*?)<\/script>/g)]
  .map(([, body]) => body)
  .find((body) => body.includes('__allycardEarly'))!;

const fetched: string[] = [];

function openPage(hash: string, storedToken?: string) {
  window.__allycardEarly = undefined;
  localStorage.clear();
  if (storedToken) localStorage.setItem('allycard.memberToken', JSON.stringify({ data: storedToken }));
  window.location.hash = hash;
  fetched.length = 0;
  (window as { fetch?: unknown }).fetch = (url: string, init: { headers: Record<string, string> }) => {
    fetched.push(`${url} ${init.headers.authorization}`);
    return Promise.resolve({ status: 200, text: () => Promise.resolve(`{"early":"${url}"}`) });
  };
  new Function(earlyScript)();
}

const get = (url: string, token: string) =>
  taroTransport({
    method: 'GET',
    url,
    headers: { accept: 'application/json', authorization: `Bearer ${token}` },
  });

describe('the card page asks for its data before the app has loaded (h5)', () => {
  beforeEach(() => request.mockResolvedValue({ statusCode: 200, data: { late: true } }));

  it('starts /me and /me/member-code with the page and hands each answer to the first request for it', async () => {
    openPage('#/pages/card/index', 'tok-1');
    expect(fetched).toEqual(['/api/v1/me Bearer tok-1', '/api/v1/me/member-code Bearer tok-1']);

    expect(await get('/api/v1/me', 'tok-1')).toEqual({ status: 200, body: { early: '/api/v1/me' } });
    expect(await get('/api/v1/me/member-code', 'tok-1')).toEqual({
      status: 200,
      body: { early: '/api/v1/me/member-code' },
    });
    expect(request).not.toHaveBeenCalled();
    // once only: the card's next refresh of its code is a request of its own
    expect(await get('/api/v1/me/member-code', 'tok-1')).toEqual({ status: 200, body: { late: true } });
    expect(request).toHaveBeenCalledTimes(1);
  });

  it('also on the start page (no route in the address yet)', () => {
    openPage('', 'tok-1');
    expect(fetched).toHaveLength(2);
  });

  it('asks nothing early for a visitor without a token or on another page', () => {
    openPage('#/pages/card/index');
    openPage('#/pages/join/index?scene=abc', 'tok-1');
    expect(fetched).toEqual([]);
  });

  it('does not hand an answer to a request with another token (the member signed in again)', async () => {
    openPage('#/pages/card/index', 'tok-old');
    expect(await get('/api/v1/me', 'tok-new')).toEqual({ status: 200, body: { late: true } });
    expect(request).toHaveBeenCalledTimes(1);
  });
});
