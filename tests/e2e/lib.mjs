// Helpers for the end-to-end tests: the built server on a free port with a throwaway SQLite database,
// a small API client, and Chromium through playwright-core (the Debian browser, never a download).
import { spawn } from 'node:child_process';
import {
  createWriteStream,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
} from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const artifactsDir = path.join(root, 'tests/e2e/artifacts');
export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer().once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/**
 * Starts `node apps/server/dist/main.js` on a free port with its own SQLite file, no demo data and the
 * WeChat sandbox, and waits for GET /api/v1/health to answer 200.
 * @returns {Promise<{baseUrl: string, port: number, pid: number, logTail: (lines?: number) => string, stop: () => Promise<void>}>}
 */
export async function startServer({ env = {}, timeoutMs = 60_000 } = {}) {
  const main = path.join(root, 'apps/server/dist/main.js');
  if (!existsSync(main)) throw new Error(`${main} not found: build first (node scripts/build.mjs --all)`);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'allycard-e2e-'));
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const logFile = path.join(dir, 'server.log');
  const log = createWriteStream(logFile);
  const child = spawn(process.execPath, [main], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      PORT: String(port),
      DATABASE_URL: `sqlite:${path.join(dir, 'e2e.sqlite')}`,
      SEED_DEMO: 'false',
      WECHAT_MODE: 'sandbox',
      NODE_ENV: 'test',
      PUBLIC_URL: baseUrl,
      ADMIN_USERNAME: 'admin',
      ADMIN_PASSWORD: 'admin123',
      // the journeys read messages from the sandbox's inbox at whatever hour the run happens
      QUIET_HOURS: 'false',
      ...env,
    },
  });
  child.stdout.pipe(log, { end: false });
  child.stderr.pipe(log, { end: false });
  const exited = new Promise((r) => child.once('exit', (code, signal) => r(signal ?? code)));
  const killNow = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  };
  process.once('exit', killNow);
  const logTail = (lines = 40) => {
    try {
      return readFileSync(logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
    } catch {
      return '';
    }
  };
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      if ((await Promise.race([exited, sleep(5000).then(() => 'timeout')])) === 'timeout')
        child.kill('SIGKILL');
      await exited;
    }
    process.removeListener('exit', killNow);
    log.end();
    rmSync(dir, { recursive: true, force: true });
  };

  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const status = await fetch(`${baseUrl}/api/v1/health`, { signal: AbortSignal.timeout(2000) })
      .then((r) => r.status)
      .catch(() => 0);
    if (status === 200) break;
    const early = await Promise.race([exited, sleep(200).then(() => null)]);
    if (early !== null || Date.now() > deadline) {
      const why =
        early !== null ? `exited (${early})` : `not healthy after ${timeoutMs} ms (last status ${status})`;
      const tail = logTail();
      await stop();
      throw new Error(`server ${why}\n--- server log ---\n${tail}`);
    }
  }
  return { baseUrl, port, pid: child.pid, logTail, stop, databaseFile: path.join(dir, 'e2e.sqlite') };
}

/** A small JSON client for the API (paths relative to /api/v1, or absolute like /sandbox/...). */
export function createApi(baseUrl) {
  async function request(method, p, { body, token, headers = {}, expect } = {}) {
    const url = baseUrl + (p.startsWith('/api/') || p.startsWith('/sandbox/') ? p : `/api/v1${p}`);
    const res = await fetch(url, {
      method,
      headers: {
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...headers,
      },
      body: body !== undefined ? JSON.stringify(body) : undefined,
      signal: AbortSignal.timeout(15_000),
    });
    const text = await res.text();
    let data = text;
    try {
      data = text ? JSON.parse(text) : null;
    } catch {
      /* ignore */
    }
    const wanted = expect === undefined ? [200, 201] : [].concat(expect);
    if (!wanted.includes(res.status)) {
      throw new Error(`${method} ${p} → ${res.status} (expected ${wanted.join('/')}): ${text.slice(0, 500)}`);
    }
    return { status: res.status, body: data };
  }
  const api = {
    request,
    get: (p, o) => request('GET', p, o),
    post: (p, body, o) => request('POST', p, { ...o, body }),
    adminToken: null,
    /** Logs in as the default alliance admin (admin/admin123) and remembers the token. */
    async adminLogin(username = 'admin', password = 'admin123') {
      const { body } = await request('POST', '/admin/login', { body: { username, password } });
      if (!body?.token) throw new Error(`admin login answered no token: ${JSON.stringify(body)}`);
      return (api.adminToken = body.token);
    },
    async asAdmin() {
      return api.adminToken ?? api.adminLogin();
    },
    /** POST /admin/merchants → {id, name} */
    async createMerchant(name = `E2E 商户 ${Date.now().toString(36)}`, extra = {}) {
      return (
        await request('POST', '/admin/merchants', { token: await api.asAdmin(), body: { name, ...extra } })
      ).body;
    },
    /** POST /admin/qrcodes → {scene, path, imagePngBase64} */
    async createQrCode(merchantId, extra = {}) {
      return (
        await request('POST', '/admin/qrcodes', {
          token: await api.asAdmin(),
          body: { merchantId, ...extra },
        })
      ).body;
    },
    /** What wx.login would give the WeChat user `openid` (sandbox). */
    async loginCode(openid) {
      return (await request('POST', '/sandbox/wechat/login-code', { body: { openid } })).body.code;
    },
    /** POST /join as `openid`, agreeing to the alliance's current policy as the join page does. */
    async join(openid, extra = {}) {
      const policy = await request(
        'GET',
        `/privacy-policy${extra.scene ? `?scene=${encodeURIComponent(extra.scene)}` : ''}`,
        {
          expect: [200, 404],
        },
      );
      const policyVersion = policy.status === 200 ? policy.body.version : undefined;
      return (
        await request('POST', '/join', {
          body: { code: await api.loginCode(openid), policyVersion, ...extra },
        })
      ).body;
    },
  };
  return api;
}

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Launches the system Chromium; playwright-core gives every launch a fresh temporary profile. */
export async function launchBrowser() {
  const { chromium } = await import('playwright-core');
  const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (!existsSync(executablePath)) throw new Error(`${executablePath} not found (apt-get install chromium)`);
  return chromium.launch({ executablePath, headless: true, args: CHROMIUM_ARGS, timeout: 60_000 });
}

/** A phone: 390×844 CSS pixels at 2×, touch, Chinese locale. */
export const PHONE = {
  viewport: { width: 390, height: 844 },
  deviceScaleFactor: 2,
  isMobile: true,
  hasTouch: true,
  locale: 'zh-CN',
  timezoneId: 'Asia/Shanghai',
  userAgent:
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 allycard-e2e',
};

/** Waits (up to 3 s) until no finite CSS animation or transition runs, e.g. Taro's page slide-in. */
export async function settle(page, timeout = 3000) {
  await page
    .waitForFunction(
      () =>
        document
          .getAnimations({ subtree: true })
          .every((a) => a.playState !== 'running' || a.effect?.getComputedTiming().iterations === Infinity),
      null,
      { timeout, polling: 50 },
    )
    .catch(() => {});
}

const safe = (s) => String(s).replace(/[^\w.-]+/g, '_');

/** Removes a scenario's screenshots from earlier runs. */
export function clearArtifacts(scenario) {
  if (!existsSync(artifactsDir)) return;
  for (const f of readdirSync(artifactsDir))
    if (f.startsWith(`${safe(scenario)}-`)) rmSync(path.join(artifactsDir, f), { force: true });
}

export function screenshotter(page, scenario) {
  mkdirSync(artifactsDir, { recursive: true });
  return async (step) => {
    const file = path.join(artifactsDir, `${safe(scenario)}-${safe(step)}.png`);
    await settle(page);
    await page.screenshot({ path: file, fullPage: true });
    return file;
  };
}

/** 会员卡 → 领券中心 → 立即领取 on the offer titled `title`, until it says 已领取; the offer's element. */
export async function claimInCentre(page, title) {
  await shown(page, '.card__entry', { hasText: '领券中心' }).tap();
  const offer = shown(page, '.coupon-item', { hasText: title });
  await offer.waitFor();
  await offer.getByText('立即领取').tap();
  await offer.getByText('已领取').waitFor();
  return offer;
}

/** The join page: tick the (unticked) agreement to 用户协议 and 隐私政策, then 一键入会. */
export async function agreeAndJoin(page) {
  await page.locator('.consent-check__tick').filter({ visible: true }).first().tap();
  await page.locator('text=一键入会').filter({ visible: true }).first().tap();
}

export function assert(cond, message) {
  if (!cond) throw new Error(`assertion failed: ${message}`);
}

/** The elements of `selector` on the page being shown (Taro's h5 router keeps earlier pages hidden). */
export const shown = (page, selector, options) => page.locator(selector, options).filter({ visible: true });

/**
 * Like `shown`, on a page that has finished sliding in: Taro marks it `taro_page_stationed`, and a
 * scenario's settle() can run before the slide starts, so screenshots wait for this first.
 */
export const arrived = (page, selector, options) =>
  page.locator(`.taro_page_stationed ${selector}`, options).filter({ visible: true });

/** Signs in to the console's login form (the alliance admin by default) and waits for the menu. */
export async function consoleLogin(page, baseUrl, { username = 'admin', password = 'admin123' } = {}) {
  await page.goto(`${baseUrl}/console/`);
  const login = page.locator('form#login');
  await login.getByLabel('用户名').fill(username);
  await login.getByLabel('密码').fill(password);
  await login.getByRole('button', { name: /登\s*录/ }).click();
}

/**
 * The win-back fixture of the campaign journeys: a merchant with a clerk, an issue-only ¥8 coupon
 * template `title` for the campaign, and `count` shoppers who each bought ¥25 at the counter
 * 70 days ago (the counter stamps the system time, so the rows are moved back in `db`, the
 * server's SQLite). `eachShopper(joined)` runs after each shopper's purchase.
 */
export async function seedDormantShoppers(api, db, { prefix, merchantName, title, count, eachShopper }) {
  const admin = await api.asAdmin();
  const tag = Date.now().toString(36);
  const merchant = await api.createMerchant(`${merchantName} ${tag}`);
  const clerk = { username: `${prefix}_${tag}`, password: 'e2e-Secret-1' };
  await api.post(`/admin/merchants/${merchant.id}/staff`, { ...clerk, role: 'clerk' }, { token: admin });
  const clerkToken = (await api.post('/staff/login', clerk)).body.token;
  const couponTitle = `${title} ${tag}`;
  await api.post(
    '/admin/coupon-templates',
    {
      title: couponTitle,
      kind: 'no_threshold',
      valueFen: 800,
      thresholdFen: 0,
      stock: 100,
      perMemberLimit: 1,
      validDays: 14,
      usableAt: 'alliance',
      audience: 'all',
      firstOrderOnly: false,
      forwardable: false,
      joinGift: false,
      channel: 'issue_only',
      issuer: { type: 'alliance' },
    },
    { token: admin },
  );
  const shoppers = [];
  for (let i = 0; i < count; i++) {
    const openid = `${prefix}_${tag}_${i}`;
    const joined = await api.join(openid);
    const code = (await api.get('/me/member-code', { token: joined.token })).body.code;
    await api.post('/staff/redemptions', { memberCode: code, amountFen: 2_500 }, { token: clerkToken });
    if (eachShopper) await eachShopper(joined);
    shoppers.push({ openid, token: joined.token, id: joined.member.id });
  }
  const ago = new Date(Date.now() - 70 * 86_400_000).toISOString().replace('T', ' ').replace('Z', '');
  db.prepare('UPDATE redemptions SET created_at = ?').run(ago);
  return { admin, tag, merchant, clerkToken, title: couponTitle, shoppers };
}

/**
 * Signs `clerk` in on the staff pages of a new page of `context` (a phone) and answers the page and
 * a full-page screenshot taker for it (`<scenario>-clerk-<step>.png`).
 */
export async function clerkLogin(context, baseUrl, clerk, scenario) {
  context.setDefaultTimeout(15_000);
  const clerkPage = await context.newPage();
  const clerkShot = async (step) => {
    await settle(clerkPage);
    await clerkPage.screenshot({
      path: path.join(artifactsDir, `${scenario}-clerk-${step}.png`),
      fullPage: true,
    });
  };
  await clerkPage.goto(`${baseUrl}/#/staff/login/index`);
  await shown(clerkPage, '.staff__input--username input').fill(clerk.username);
  await shown(clerkPage, '.staff__input--password input').fill(clerk.password);
  await shown(clerkPage, '.staff__submit').tap();
  return { clerkPage, clerkShot };
}
