#!/usr/bin/env node
// End-to-end runner: one built server (fresh SQLite, sandbox WeChat), one Chromium, and every scenario
// in tests/e2e/scenarios/*.mjs in its own phone-sized browser context.
//
//   node tests/e2e/run.mjs [name-filter ...]
//
// A scenario module exports `name` and `async run({page, context, browser, baseUrl, api, screenshot})`.
// Screenshots go to tests/e2e/artifacts/<scenario>-<step>.png (a failing scenario also gets
// <scenario>-failure.png). The last line is `e2e: N passed, N failed`; exit code 1 on any failure.
// Env: E2E_TIMEOUT_MS (whole run, default 600000), E2E_SCENARIO_TIMEOUT_MS (default 120000).
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { PHONE, clearArtifacts, createApi, launchBrowser, root, screenshotter, startServer } from './lib.mjs';

const RUN_TIMEOUT = Number(process.env.E2E_TIMEOUT_MS ?? 600_000);
const SCENARIO_TIMEOUT = Number(process.env.E2E_SCENARIO_TIMEOUT_MS ?? 120_000);
const filters = process.argv.slice(2);
const scenarioDir = path.join(root, 'tests/e2e/scenarios');
const files = readdirSync(scenarioDir)
  .filter((f) => f.endsWith('.mjs'))
  .sort();

let server = null;
let browser = null;
let passed = 0;
let failed = 0;
let planned = 0;
let finished = false;
let abortCode = null; // set when the run is cut short (overall timeout or a signal)

async function cleanup() {
  await Promise.allSettled([browser?.close(), server?.stop()]);
  browser = server = null;
}
function finish(code) {
  if (finished) return;
  finished = true;
  if (abortCode !== null) failed = Math.max(1, planned - passed); // every scenario that did not pass
  console.log(`e2e: ${passed} passed, ${failed} failed`);
  process.exit(abortCode ?? code);
}
async function abort(message, code) {
  if (abortCode !== null) return;
  abortCode = code;
  console.log(`e2e: ${message}`);
  await withTimeout(cleanup(), 15_000, 'cleanup').catch(() => {});
  finish(code);
}
const withTimeout = (promise, ms, what) => {
  let timer;
  return Promise.race([
    promise,
    new Promise(
      (_, reject) => (timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms)),
    ),
  ]).finally(() => clearTimeout(timer));
};

const E2E_POLICY = {
  terms: { title: '用户协议', body: '端到端测试的用户协议。\n\n注销后券作废、积分清零。' },
  privacy: {
    title: '隐私政策',
    body: '我们收集 openid、昵称、手机号、生日、位置和消费记录。\n\n商户只看到脱敏手机号。',
  },
};

const overall = setTimeout(() => abort(`the whole run timed out after ${RUN_TIMEOUT} ms`, 1), RUN_TIMEOUT);
for (const sig of ['SIGINT', 'SIGTERM']) process.once(sig, () => abort(`interrupted (${sig})`, 130));

try {
  const scenarios = [];
  for (const f of files) {
    const mod = await import(pathToFileURL(path.join(scenarioDir, f)).href);
    const name = mod.name ?? path.basename(f, '.mjs');
    if (typeof mod.run !== 'function') throw new Error(`${f} exports no run()`);
    if (!filters.length || filters.some((x) => name.includes(x) || f.includes(x)))
      scenarios.push({ name, run: mod.run });
  }
  planned = scenarios.length;
  let t = Date.now();
  server = await startServer();
  console.log(`e2e: server up at ${server.baseUrl} in ${Date.now() - t} ms`);
  // The alliance's 用户协议 and 隐私政策: the join page asks every new shopper to agree (issue 15).
  const setup = createApi(server.baseUrl);
  await setup.request('PUT', '/admin/privacy-policy', { token: await setup.asAdmin(), body: E2E_POLICY });
  t = Date.now();
  browser = await launchBrowser();
  console.log(
    `e2e: chromium ${browser.version()} up in ${Date.now() - t} ms; ${scenarios.length} scenario(s)`,
  );

  for (const sc of scenarios) {
    if (abortCode !== null) break;
    const t0 = Date.now();
    const context = await browser.newContext(PHONE);
    context.setDefaultTimeout(15_000);
    const page = await context.newPage();
    const browserErrors = [];
    page.on('pageerror', (e) => browserErrors.push(`pageerror: ${e.message}`));
    page.on('console', (m) => m.type() === 'error' && browserErrors.push(`console: ${m.text()}`));
    clearArtifacts(sc.name);
    const screenshot = screenshotter(page, sc.name);
    try {
      const api = createApi(server.baseUrl);
      await withTimeout(
        sc.run({ page, context, browser, baseUrl: server.baseUrl, api, screenshot }),
        SCENARIO_TIMEOUT,
        sc.name,
      );
      passed++;
      console.log(`ok   ${sc.name} (${((Date.now() - t0) / 1000).toFixed(1)}s)`);
    } catch (e) {
      if (abortCode !== null) break; // the browser was closed under it: not this scenario's fault
      failed++;
      console.log(`FAIL ${sc.name} (${((Date.now() - t0) / 1000).toFixed(1)}s): ${e.stack ?? e}`);
      const shot = await screenshot('failure').catch(() => null);
      if (shot) console.log(`     screenshot: ${path.relative(root, shot)}`);
      console.log(`     page url: ${page.url()}`);
      if (browserErrors.length)
        console.log(`     browser errors:\n       ${browserErrors.slice(-10).join('\n       ')}`);
      console.log(`     server log (tail):\n${server.logTail(20).replace(/^/gm, '       ')}`);
    } finally {
      await context.close().catch(() => {});
    }
  }
} catch (e) {
  if (abortCode === null) console.log(`e2e: run aborted: ${e.stack ?? e}`);
  failed++;
} finally {
  clearTimeout(overall);
  await withTimeout(cleanup(), 15_000, 'cleanup').catch((e) => console.error(e.message));
}
finish(failed ? 1 : 0);
