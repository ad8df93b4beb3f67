#!/usr/bin/env node
// Lighthouse on the built app: the mobile defaults (simulated slow 4G, 4× CPU slowdown, a phone-sized
// screen), performance and accessibility, on the pages a shopper opens first and the console's login.
//
//   node tests/e2e/lighthouse.mjs [page-name ...]
//
// Each page gets a fresh Chromium profile, so nothing is cached from another page. Member pages run
// as a member who already joined: the browser holds that member's demo WeChat identity, the way the
// e2e scenarios seed it, and Lighthouse keeps that storage. Accessibility below LIGHTHOUSE_MIN (90)
// fails. Performance is held to its own floor, LIGHTHOUSE_PERF_MIN (70): the product's target is 95
// (issue 14) and is not met yet (the card and the pay page score about 80 on a quiet machine), so the
// floor only catches a page getting slower; raise it as the pages get faster. The scores are printed,
// and the last line is `lighthouse: N passed, N failed`. The full reports go to
// tests/e2e/artifacts/lighthouse-<page>.json (open them in the Lighthouse viewer).
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CHROMIUM_ARGS, artifactsDir, createApi, startServer } from './lib.mjs';

const MIN = Number(process.env.LIGHTHOUSE_MIN ?? 90);
const PERF_MIN = Number(process.env.LIGHTHOUSE_PERF_MIN ?? 70);
/** The score each category must reach. */
const FLOOR = { performance: PERF_MIN, accessibility: MIN };
// Performance under simulated throttling still scales with how busy this machine's CPU is: a page
// below its floor is measured again, up to RUNS times, and passes if one run reaches it (every run
// printed).
const RUNS = Number(process.env.LIGHTHOUSE_RUNS ?? 3);
const CATEGORIES = ['performance', 'accessibility'];
const filters = process.argv.slice(2);

/** The pages measured: the hash route of the H5 build or the console path, and whose browser it is. */
function pages(seed) {
  return [
    { name: 'join', url: `/#/pages/join/index?scene=${encodeURIComponent(seed.scene)}` },
    { name: 'card', url: '/#/pages/card/index', member: seed.member },
    { name: 'offers (领券中心)', url: '/#/coupon/offers/index', member: seed.member },
    { name: 'pay (买单)', url: '/#/pages/pay/index', member: seed.member },
    { name: 'console login', url: '/console/' },
  ].filter((p) => !filters.length || filters.some((f) => p.name.includes(f)));
}

/** A merchant with its QR code and a join gift, and a member who joined there. */
async function seedData(api) {
  const admin = await api.asAdmin();
  const merchant = await api.createMerchant('灯塔咖啡');
  const { scene } = await api.createQrCode(merchant.id);
  await api.post(
    '/admin/coupon-templates',
    {
      title: '新人无门槛 5 元券',
      kind: 'no_threshold',
      valueFen: 500,
      thresholdFen: 0,
      stock: 100,
      perMemberLimit: 1,
      validDays: 30,
      usableAt: 'alliance',
      audience: 'all',
      firstOrderOnly: false,
      forwardable: true,
      joinGift: false,
      issuer: { type: 'alliance' },
    },
    { token: admin },
  );
  const openid = `h5_lighthouse${Date.now().toString(36)}`;
  const { token } = await api.join(openid, { scene });
  return { scene, member: { openid, token } };
}

/** Starts Chromium with a DevTools port and a new profile; resolves its port and a stop(). */
function launchChromium() {
  const profile = mkdtempSync(path.join(os.tmpdir(), 'allycard-lh-'));
  // its own process group, so that stopping it stops its helper processes too
  const child = spawn(
    process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    [...CHROMIUM_ARGS, '--remote-debugging-port=0', `--user-data-dir=${profile}`, 'about:blank'],
    { stdio: ['ignore', 'ignore', 'pipe'], detached: true },
  );
  const exited = new Promise((r) => child.once('exit', r));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) process.kill(-child.pid, 'SIGTERM');
    await exited;
    // its helper processes may still be closing files in the profile for a moment
    rmSync(profile, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
  };
  return new Promise((resolve, reject) => {
    let err = '';
    const timer = setTimeout(() => fail(new Error(`chromium gave no DevTools port:\n${err}`)), 30_000);
    const fail = (e) => (clearTimeout(timer), stop().finally(() => reject(e)));
    child.stderr.on('data', (b) => {
      err += b;
      const m = /DevTools listening on ws:\/\/[^:]+:(\d+)\//.exec(err);
      if (m) {
        clearTimeout(timer);
        child.stderr.removeAllListeners('data');
        child.stderr.resume();
        resolve({ port: Number(m[1]), stop });
      }
    });
    child.once('error', fail);
  });
}

/**
 * A member who joined before: the demo WeChat identity (as the e2e scenarios seed it) and the member
 * token the app keeps after joining, in Taro's storage format, written without loading the app.
 */
async function seedStorage(port, baseUrl, { openid, token }) {
  const { chromium } = await import('playwright-core');
  const browser = await chromium.connectOverCDP(`http://127.0.0.1:${port}`);
  try {
    const page = await browser.contexts()[0].newPage();
    await page.goto(`${baseUrl}/api/v1/health`);
    await page.evaluate(
      ([id, t]) => {
        window.localStorage.setItem('allycard.h5.openid', id);
        window.localStorage.setItem('allycard.memberToken', JSON.stringify({ data: t }));
      },
      [openid, token],
    );
    await page.close();
  } finally {
    // the CDP connection only: the browser itself keeps running for Lighthouse
    await browser.close();
  }
}

async function audit(baseUrl, page) {
  const { default: lighthouse } = await import('lighthouse');
  const chrome = await launchChromium();
  try {
    if (page.member) await seedStorage(chrome.port, baseUrl, page.member);
    const result = await lighthouse(baseUrl + page.url, {
      port: chrome.port,
      output: 'json',
      logLevel: 'error',
      onlyCategories: CATEGORIES,
      // member pages need the seeded identity; the fresh profile already has an empty cache
      disableStorageReset: Boolean(page.member),
    });
    mkdirSync(artifactsDir, { recursive: true });
    writeFileSync(path.join(artifactsDir, `lighthouse-${page.name.split(' ')[0]}.json`), result.report);
    const { categories, audits } = result.lhr;
    const failing = Object.values(audits)
      .filter((a) => a.scoreDisplayMode === 'binary' && a.score === 0)
      .map((a) => a.id);
    return {
      scores: Object.fromEntries(CATEGORIES.map((c) => [c, Math.round((categories[c].score ?? 0) * 100)])),
      metrics: ['first-contentful-paint', 'largest-contentful-paint', 'total-blocking-time']
        .map(
          (id) =>
            `${id
              .split('-')
              .map((w) => w[0])
              .join('')
              .toUpperCase()} ${audits[id].displayValue}`,
        )
        .join(', '),
      failing,
      error: result.lhr.runtimeError?.message,
    };
  } finally {
    await chrome.stop();
  }
}

let passed = 0;
let failed = 0;
const server = await startServer();
try {
  const api = createApi(server.baseUrl);
  const seed = await seedData(api);
  for (const page of pages(seed)) {
    let ok = false;
    for (let run = 1; run <= RUNS && !ok; run++) {
      const t0 = Date.now();
      try {
        const r = await audit(server.baseUrl, page);
        const low = CATEGORIES.filter((c) => !(r.scores[c] >= FLOOR[c]));
        ok = !low.length && !r.error;
        const last = ok || run === RUNS;
        console.log(
          `${ok ? 'ok  ' : last ? 'FAIL' : '    '} lighthouse ${page.name}: performance ${r.scores.performance}, accessibility ${r.scores.accessibility} (${r.metrics}; run ${run}, ${((Date.now() - t0) / 1000).toFixed(1)}s)` +
            (r.error ? `\n     error: ${r.error}` : '') +
            (r.failing.length ? `\n     failed audits: ${r.failing.join(', ')}` : '') +
            (low.length
              ? `\n     below the floor: ${low.map((c) => `${c} < ${FLOOR[c]}`).join(', ')}${last ? '' : ', measuring again'}`
              : ''),
        );
      } catch (e) {
        console.log(`FAIL lighthouse ${page.name}: ${e.stack ?? e}`);
        break;
      }
    }
    if (ok) passed++;
    else failed++;
  }
} catch (e) {
  failed++;
  console.log(`lighthouse: run aborted: ${e.stack ?? e}\n${server.logTail(20)}`);
} finally {
  await server.stop();
}
console.log(`lighthouse: ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
