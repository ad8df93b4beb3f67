import { ConfigError, loadConfig } from '../src/common/config';

/** Secrets only from the environment: development gets safe defaults, production refuses them. */
describe('configuration', () => {
  const production = {
    NODE_ENV: 'production',
    DATABASE_URL: 'mysql://allycard:secret@db:3306/allycard',
    WECHAT_MODE: 'live',
    WECHAT_APPID: 'wx1234567890',
    WECHAT_SECRET: 'a-real-secret',
    ADMIN_PASSWORD: 'a-long-admin-password',
    APP_SECRET: 'x'.repeat(40),
    PUBLIC_URL: 'https://card.example.com',
    METRICS_TOKEN: 'a-scrape-token-of-24-chars',
  };

  it('defaults to SQLite, the sandbox and the demo outside production', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      port: 3000,
      database: { kind: 'sqlite', file: './data/allycard.sqlite' },
      wechat: { mode: 'sandbox' },
      seedDemo: true,
      admin: { username: 'admin', password: 'admin123' },
    });
    expect(config.wechat.apiBase).toBe('http://127.0.0.1:3000/sandbox');
    // Rate limits in memory unless REDIS_URL names a Redis.
    expect(config.redis).toBeUndefined();
    expect(loadConfig({ REDIS_URL: 'redis://127.0.0.1:6379' }).redis).toEqual({
      url: 'redis://127.0.0.1:6379',
      prefix: 'allycard:',
    });
  });

  it('listens on loopback outside production, on every interface in production, or on HOST', () => {
    expect(loadConfig({})).toMatchObject({ host: '127.0.0.1', publicUrl: 'http://localhost:3000' });
    expect(loadConfig({ HOST: '0.0.0.0' })).toMatchObject({
      host: '0.0.0.0',
      publicUrl: 'http://localhost:3000',
      wechat: { apiBase: 'http://127.0.0.1:3000/sandbox' },
    });
    // A specific address is the only way to reach the process: links and the sandbox use it.
    expect(loadConfig({ HOST: '192.168.1.20', PORT: '8080' })).toMatchObject({
      publicUrl: 'http://192.168.1.20:8080',
      wechat: { apiBase: 'http://192.168.1.20:8080/sandbox' },
    });
    expect(loadConfig({ HOST: '::1' }).publicUrl).toBe('http://[::1]:3000');
    expect(loadConfig(production)).toMatchObject({ host: '0.0.0.0', publicUrl: 'https://card.example.com' });
    expect(loadConfig({ ...production, HOST: '10.0.0.5' }).host).toBe('10.0.0.5');
  });

  it('never seeds the demo in production', () => {
    expect(loadConfig(production).seedDemo).toBe(false);
    expect(loadConfig({ ...production, SEED_DEMO: 'false' }).seedDemo).toBe(false);
    expect(loadConfig({ SEED_DEMO: 'false' }).seedDemo).toBe(false);
  });

  it.each([
    ['unset', undefined, false],
    ['false', 'false', false],
    ['true', 'true', true],
    ['a hop count', '1', 1],
    ['two hops', ' 2 ', 2],
    ['a name', 'loopback', ['loopback']],
    [
      'addresses and subnets',
      'loopback, 10.0.0.0/8,192.168.1.7,172.16.0.0/255.240.0.0,fd00::/8',
      ['loopback', '10.0.0.0/8', '192.168.1.7', '172.16.0.0/255.240.0.0', 'fd00::/8'],
    ],
  ])('reads TRUST_PROXY %s as Express means it', (_, value, expected) => {
    expect(loadConfig({ TRUST_PROXY: value }).trustProxy).toEqual(expected);
  });

  it('starts in production with real settings', () => {
    const config = loadConfig(production);
    expect(config).toMatchObject({
      production: true,
      database: { kind: 'mysql' },
      wechat: { mode: 'live', apiBase: 'https://api.weixin.qq.com' },
    });
  });

  it.each([
    ['the default admin password', { ADMIN_PASSWORD: undefined }, /ADMIN_PASSWORD/],
    ['the default APP_SECRET', { APP_SECRET: undefined }, /APP_SECRET/],
    ['a short APP_SECRET', { APP_SECRET: 'short' }, /APP_SECRET/],
    ['the sandbox', { WECHAT_MODE: 'sandbox' }, /sandbox is not allowed/],
    ['no database', { DATABASE_URL: undefined }, /DATABASE_URL/],
    ['no WeChat credentials', { WECHAT_SECRET: undefined }, /WECHAT_APPID and WECHAT_SECRET/],
    ['half-configured WeChat Pay', { WECHAT_PAY_MCHID: '1900000109' }, /WeChat Pay needs/],
    ['the demo seed', { SEED_DEMO: 'true' }, /SEED_DEMO=true is not allowed in production/],
    ['no PUBLIC_URL', { PUBLIC_URL: undefined }, /PUBLIC_URL must be set to the https:\/\//],
    ['an http PUBLIC_URL', { PUBLIC_URL: 'http://card.example.com' }, /PUBLIC_URL must be set to the https/],
    ['metrics without a token', { METRICS_TOKEN: undefined }, /METRICS_TOKEN is required in production/],
    ['messages in quiet hours', { QUIET_HOURS: 'false' }, /QUIET_HOURS=false is not allowed in production/],
  ])('refuses to start in production with %s', (_, change, message) => {
    expect(() => loadConfig({ ...production, ...change } as NodeJS.ProcessEnv)).toThrow(ConfigError);
    expect(() => loadConfig({ ...production, ...change } as NodeJS.ProcessEnv)).toThrow(message);
  });

  it('rejects malformed values anywhere', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/PORT/);
    expect(() => loadConfig({ DATABASE_URL: 'postgres://x' })).toThrow(/DATABASE_URL/);
    expect(() => loadConfig({ WECHAT_MODE: 'mock' })).toThrow(/WECHAT_MODE/);
    expect(() => loadConfig({ SEED_DEMO: 'yes' })).toThrow(/SEED_DEMO must be true or false/);
    expect(() => loadConfig({ PUBLIC_URL: 'localhost:3000' })).toThrow(/PUBLIC_URL/);
    expect(() => loadConfig({ REDIS_URL: '127.0.0.1:6379' })).toThrow(/REDIS_URL/);
    for (const bad of ['one', '1.5', '10.0.0.0/33', '10.0.0.1, nowhere', '-1'])
      expect(() => loadConfig({ TRUST_PROXY: bad })).toThrow(/TRUST_PROXY must be/);
  });
});

describe('live WeChat mode without WeChat Pay credentials', () => {
  it('starts, serves members, and answers payments with 503 WECHAT_UNAVAILABLE', async () => {
    const { startTestApp } = await import('./harness');
    const t = await startTestApp({
      WECHAT_MODE: 'live',
      WECHAT_APPID: 'wx_live_test',
      WECHAT_SECRET: 'secret',
      WECHAT_API_BASE: 'http://127.0.0.1:9',
    });
    try {
      expect((await t.api('GET', '/health')).status).toBe(200);
      // No sandbox in live mode.
      expect((await t.http('POST', '/sandbox/wechat/login-code', { body: { openid: 'x' } })).status).toBe(
        404,
      );
      const res = await t.api('POST', '/payments/wechat/notify', {
        raw: '{}',
        headers: {
          'wechatpay-serial': 'x',
          'wechatpay-signature': 'x',
          'wechatpay-timestamp': String(Math.floor(Date.now() / 1000)),
          'wechatpay-nonce': 'n',
        },
      });
      expect(res.status).toBe(401);
    } finally {
      await t.close();
    }
  });
});
