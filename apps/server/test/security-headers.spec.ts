import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startTestApp, TestApp, TEST_DB } from './harness';

const inlineScript = 'document.documentElement.style.fontSize="20px"';
const sha256 = (source: string) => `'sha256-${createHash('sha256').update(source).digest('base64')}'`;

/** Built front ends as the server finds them: an index.html (with an inline script, as Taro's) and a bundle. */
function frontEnd(html: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'allycard-front-'));
  fs.writeFileSync(path.join(dir, 'index.html'), html);
  fs.writeFileSync(path.join(dir, 'app.js'), 'console.log(1)');
  return dir;
}

const directives = (policy: string | null) =>
  Object.fromEntries(
    (policy ?? '').split(';').map((d) => {
      const [name, ...sources] = d.trim().split(/\s+/);
      return [name, sources];
    }),
  );

describe(`security headers (${TEST_DB})`, () => {
  let t: TestApp;
  const h5 = frontEnd(
    `<html><head><script>${inlineScript}</script><script src="/app.js"></script></head></html>`,
  );
  const consoleDir = frontEnd(
    '<html><head><script type="module" src="/console/app.js"></script></head></html>',
  );

  beforeAll(async () => {
    t = await startTestApp({ MINIAPP_H5_DIR: h5, CONSOLE_DIR: consoleDir });
  });
  afterAll(async () => {
    await t.close();
    for (const dir of [h5, consoleDir]) fs.rmSync(dir, { recursive: true, force: true });
  });

  const expectBaseHeaders = (headers: Headers) => {
    expect(headers.get('x-content-type-options')).toBe('nosniff');
    expect(headers.get('referrer-policy')).toBe('strict-origin-when-cross-origin');
    expect(headers.get('x-frame-options')).toBe('DENY');
    expect(directives(headers.get('content-security-policy'))['frame-ancestors']).toEqual(["'none'"]);
  };

  it('the H5 pages allow their own scripts and exactly the inline ones of index.html', async () => {
    for (const url of ['/', '/app.js']) {
      const res = await t.http('GET', url);
      expect(res.status).toBe(200);
      expectBaseHeaders(res.headers);
      const csp = directives(res.headers.get('content-security-policy'));
      expect(csp['default-src']).toEqual(["'self'"]);
      expect(csp['script-src']).toEqual(expect.arrayContaining(["'self'", sha256(inlineScript)]));
      expect(csp['script-src']).not.toContain("'unsafe-inline'");
      expect(csp['object-src']).toEqual(["'none'"]);
    }
  });

  it('the console has a policy without inline scripts', async () => {
    const res = await t.http('GET', '/console/');
    expect(res.status).toBe(200);
    expectBaseHeaders(res.headers);
    const csp = directives(res.headers.get('content-security-policy'));
    expect(csp['script-src']).not.toContain(sha256(inlineScript));
    expect(csp['script-src']).not.toContain("'unsafe-inline'");
    expect(csp['connect-src']).toEqual(["'self'"]);
  });

  it('API answers, errors included, may not be run, loaded or framed', async () => {
    for (const res of [await t.api('GET', '/health'), await t.api('GET', '/me')]) {
      expectBaseHeaders(res.headers);
      expect(directives(res.headers.get('content-security-policy'))['default-src']).toEqual(["'none'"]);
    }
  });

  it('the API docs keep working under their own policy', async () => {
    const res = await t.http('GET', '/api/docs');
    expect(res.status).toBe(200);
    expect(String(res.body)).toContain('swagger-ui');
    expectBaseHeaders(res.headers);
    const csp = directives(res.headers.get('content-security-policy'));
    expect(csp['script-src']).toBeUndefined(); // default-src 'self': Swagger's own bundles
    expect(csp['style-src']).toEqual(["'self'", "'unsafe-inline'"]);
    expect((await t.http('GET', '/api/docs/swagger-ui-init.js')).status).toBe(200);
  });

  it('the sandbox answers with the same headers outside production', async () => {
    const res = await t.http('POST', '/sandbox/wechat/login-code', { body: { openid: 'o_headers' } });
    expect(res.status).toBe(200);
    expectBaseHeaders(res.headers);
  });

  it('production also tells browsers to stay on HTTPS', async () => {
    const prod = await startTestApp({
      NODE_ENV: 'production',
      WECHAT_MODE: 'live',
      WECHAT_APPID: 'wx_live_test',
      WECHAT_SECRET: 'secret',
      ADMIN_PASSWORD: 'a-long-admin-password',
      APP_SECRET: 'x'.repeat(40),
      PUBLIC_URL: 'https://card.example.com',
      METRICS_TOKEN: 'a-scrape-token-of-24-chars',
    });
    try {
      const res = await prod.api('GET', '/health');
      expectBaseHeaders(res.headers);
      expect(res.headers.get('strict-transport-security')).toMatch(/^max-age=\d{7,}/);
      expect((await t.api('GET', '/health')).headers.get('strict-transport-security')).toBeNull();
    } finally {
      await prod.close();
    }
  });
});
