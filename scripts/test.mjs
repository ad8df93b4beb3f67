#!/usr/bin/env node
// `pnpm test`: every test of the workspace, in order, with one total at the end.
//   1. unit tests of the packages (jest)           2. server tests on SQLite and on MariaDB/MySQL, side by side
//   2b. replicas: the race suite through nginx to two server processes on one MariaDB and one Redis
//   3. full build, then the end-to-end tests (tests/e2e/run.mjs) and Lighthouse on the H5 build and the
//      console (tests/e2e/lighthouse.mjs: one test per page, failing below 90 accessibility / 70 performance)
// The last line is always `Tests: N passed, N failed` (CI reads it); the exit code is non-zero when
// anything failed or a step crashed. A crashed step or a test file that cannot run counts as one failure.
// `node scripts/test.mjs unit server e2e` runs only the named groups. MYSQL_URL, when set, is used
// instead of starting a throwaway MariaDB (scripts/mariadb.mjs).
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startMariaDB } from './mariadb.mjs';
import { startRedis } from './redis.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const groups = process.argv.slice(2).length ? process.argv.slice(2) : ['unit', 'server', 'replicas', 'e2e'];
const bad = groups.filter((g) => !['unit', 'server', 'replicas', 'e2e'].includes(g));
if (bad.length) {
  console.error(`usage: node scripts/test.mjs [unit] [server] [replicas] [e2e]  (unknown: ${bad.join(' ')})`);
  process.exit(2);
}
const tmp = mkdtempSync(path.join(os.tmpdir(), 'allycard-test-'));
const total = { passed: 0, failed: 0 };
const summary = [];
let db = null;
let n = 0;

const header = (title) => console.log(`\n${'='.repeat(78)}\n== ${title}\n${'='.repeat(78)}`);
const secs = (t0) => `${((Date.now() - t0) / 1000).toFixed(1)}s`;

function hasTests(dir) {
  const walk = (d) =>
    existsSync(d) &&
    readdirSync(d, { withFileTypes: true }).some((e) =>
      e.isDirectory()
        ? e.name !== 'node_modules' && e.name !== 'dist' && walk(path.join(d, e.name))
        : /[.-](test|spec)\.[cm]?[jt]sx?$/.test(e.name),
    );
  return ['src', 'test', '__tests__'].some((sub) => walk(path.join(root, dir, sub)));
}

/** Runs a command with inherited output (stdout also captured when `capture`); resolves {code, out}. */
function run(cmd, args, { env = {}, capture = false, buffer = false, header: title = '' } = {}) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, {
      cwd: root,
      env: { ...process.env, ...env },
      stdio: ['inherit', capture || buffer ? 'pipe' : 'inherit', buffer ? 'pipe' : 'inherit'],
    });
    let out = '';
    // buffered: a step running beside another prints its whole output when it is done, not interleaved
    const chunks = [];
    child.stdout?.on('data', (b) => ((out += b), buffer ? chunks.push(b) : process.stdout.write(b)));
    child.stderr?.on('data', (b) => chunks.push(b));
    const done = (result) => {
      if (buffer) {
        if (title) header(title);
        process.stdout.write(Buffer.concat(chunks));
      }
      resolve(result);
    };
    child.on('error', (e) => done({ code: -1, out, error: e.message }));
    child.on('close', (code, signal) => done({ code: code ?? `signal ${signal}`, out }));
  });
}

function record(title, t0, passed, failed, note = '') {
  total.passed += passed;
  total.failed += failed;
  const status = failed ? 'FAIL' : 'ok';
  summary.push(
    `${status.padEnd(4)} ${title.padEnd(44)} ${String(passed).padStart(4)} passed ${String(failed).padStart(3)} failed  ${secs(t0).padStart(7)}${note ? `  (${note})` : ''}`,
  );
}

/** One jest run through `pnpm --filter <pkg> test`, counted from its --json output. */
async function jestStep(title, pkg, dir, env = {}, jestArgs = [], { buffer = false } = {}) {
  if (!buffer) header(title);
  const t0 = Date.now();
  if (!existsSync(path.join(root, dir, 'package.json')) || !hasTests(dir)) {
    console.log(`${pkg}: no test files, skipped`);
    return summary.push(`skip ${title}`);
  }
  const json = path.join(tmp, `jest-${++n}.json`);
  const args = [
    '--filter',
    pkg,
    'test',
    '--json',
    `--outputFile=${json}`,
    '--passWithNoTests',
    ...(process.env.CI ? ['--ci'] : []),
    ...jestArgs,
  ];
  if (buffer) console.log(`\n(${title}: running beside the step above; its output follows when it is done)`);
  const { code, error } = await run('pnpm', args, { env, buffer, header: buffer && title });
  let r = null;
  try {
    r = JSON.parse(readFileSync(json, 'utf8'));
  } catch {
    /* ignore */
  }
  if (!r) return record(title, t0, 0, 1, `crashed: ${error ?? `exit ${code}`}, no jest report`);
  const failed = r.numFailedTests + r.numRuntimeErrorTestSuites;
  const crashed = code !== 0 && failed === 0;
  const notes = [
    r.numRuntimeErrorTestSuites && `${r.numRuntimeErrorTestSuites} test file(s) failed to run`,
    r.numPendingTests && `${r.numPendingTests} skipped`,
    crashed && `jest exited ${code}`,
  ];
  record(title, t0, r.numPassedTests, failed + (crashed ? 1 : 0), notes.filter(Boolean).join(', '));
}

async function cleanup() {
  if (db) await db.stop().catch((e) => console.error(`could not stop MariaDB: ${e.message}`));
  db = null;
  rmSync(tmp, { recursive: true, force: true });
}
for (const sig of ['SIGINT', 'SIGTERM']) process.once(sig, () => cleanup().finally(() => process.exit(130)));

const t0 = Date.now();
try {
  if (groups.includes('unit')) {
    // One lint + format setup for the workspace: a violation counts as a failed test.
    header('lint: eslint + prettier --check');
    const lintStart = Date.now();
    const lint = await run('pnpm', ['lint']);
    record(
      'lint (eslint + prettier)',
      lintStart,
      lint.code === 0 ? 1 : 0,
      lint.code === 0 ? 0 : 1,
      lint.code ? `exit ${lint.code}` : '',
    );
    await jestStep('unit: @allycard/domain', '@allycard/domain', 'packages/domain');
    await jestStep('unit: @allycard/contracts', '@allycard/contracts', 'packages/contracts');
    await jestStep('unit: @allycard/wechat-sandbox', '@allycard/wechat-sandbox', 'packages/wechat-sandbox');
    await jestStep('unit: @allycard/miniapp', '@allycard/miniapp', 'apps/miniapp');
    await jestStep('unit: @allycard/console', '@allycard/console', 'apps/console');
  }
  if (groups.includes('server')) {
    // SQLite and MariaDB side by side: each jest runs one file at a time (maxWorkers 1), so together
    // they use both cores of a 2-core machine instead of one after the other.
    let url = process.env.MYSQL_URL;
    if (!url && hasTests('apps/server')) {
      try {
        db = await startMariaDB();
        url = db.url;
        console.log(`\nMariaDB for the server tests: ${url} (started in ${db.startMs} ms)`);
      } catch (e) {
        header('server: MariaDB');
        console.error(`cannot start MariaDB: ${e.message}`);
        record('server: MariaDB', Date.now(), 0, 1, 'MariaDB did not start');
      }
    }
    const sqlite = jestStep('server: SQLite', '@allycard/server', 'apps/server', { TEST_DB: 'sqlite' });
    const mysql = url
      ? jestStep(
          'server: MariaDB/MySQL',
          '@allycard/server',
          'apps/server',
          { TEST_DB: 'mysql', MYSQL_URL: url },
          [],
          { buffer: true },
        )
      : undefined;
    if (!url && !hasTests('apps/server')) summary.push('skip server: MariaDB/MySQL');
    await Promise.all([sqlite, mysql]);
  }
  if (groups.includes('replicas')) {
    // The race suite through nginx to two server processes on one MariaDB and one Redis.
    let url = process.env.MYSQL_URL ?? db?.url;
    if (!url) {
      db = await startMariaDB();
      url = db.url;
    }
    const redis = await startRedis();
    try {
      await jestStep(
        'replicas: races, 2 servers behind nginx',
        '@allycard/server',
        'apps/server',
        { TEST_DB: 'mysql', MYSQL_URL: url, TEST_REPLICAS: '2', TEST_REDIS_URL: redis.url },
        ['test/races/'],
      );
    } finally {
      await redis.stop();
    }
  }
  if (groups.includes('e2e')) {
    header('build: node scripts/build.mjs --all');
    let t = Date.now();
    const b = await run(process.execPath, ['scripts/build.mjs', '--all']);
    if (b.code !== 0) record('build --all', t, 0, 1, `exit ${b.code}; e2e not run`);
    else {
      summary.push(`ok   ${'build --all'.padEnd(44)} ${' '.repeat(22)}${secs(t).padStart(7)}`);
      header('e2e: node tests/e2e/run.mjs');
      t = Date.now();
      const e = await run(process.execPath, ['tests/e2e/run.mjs'], { capture: true });
      const m = [...e.out.matchAll(/^e2e: (\d+) passed, (\d+) failed$/gm)].pop();
      if (!m) record('e2e', t, 0, 1, `crashed: exit ${e.code}, no e2e count`);
      else
        record(
          'e2e',
          t,
          +m[1],
          +m[2] + (e.code !== 0 && +m[2] === 0 ? 1 : 0),
          e.code !== 0 ? `exit ${e.code}` : '',
        );
      header('lighthouse: node tests/e2e/lighthouse.mjs');
      t = Date.now();
      const l = await run(process.execPath, ['tests/e2e/lighthouse.mjs'], { capture: true });
      const lm = [...l.out.matchAll(/^lighthouse: (\d+) passed, (\d+) failed$/gm)].pop();
      if (!lm) record('lighthouse', t, 0, 1, `crashed: exit ${l.code}, no lighthouse count`);
      else record('lighthouse (performance, accessibility)', t, +lm[1], +lm[2]);
    }
    // The product is the WeChat build: build it and check what WeChat's upload checks.
    header('weapp: build and package limits');
    t = Date.now();
    const w = await run('pnpm', ['--filter', '@allycard/miniapp', 'build:weapp']);
    if (w.code !== 0) record('weapp build', t, 0, 1, `exit ${w.code}`);
    else {
      const c = await run(process.execPath, ['scripts/weapp-check.mjs'], { capture: true });
      const m = [...c.out.matchAll(/^weapp: (\d+) passed, (\d+) failed$/gm)].pop();
      record(
        'weapp build + package limits',
        t,
        m ? +m[1] : 0,
        m ? +m[2] : 1,
        c.code !== 0 ? `exit ${c.code}` : '',
      );
    }
  }
} catch (e) {
  console.error(`\ntest orchestrator crashed: ${e.stack ?? e}`);
  total.failed += 1;
} finally {
  await cleanup();
}

header(`summary (${secs(t0)})`);
console.log(summary.join('\n'));
console.log(`Tests: ${total.passed} passed, ${total.failed} failed`);
process.exit(total.failed ? 1 : 0);
