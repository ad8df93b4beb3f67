#!/usr/bin/env node
// pnpm bench — the flash-claim and payments benchmarks (a measurement, not a test; see bench/README.md).
//
//   pnpm bench                          1,000 members, 50 claims in flight, flash stock 100
//   BENCH_MEMBERS=300 pnpm bench        fewer members (also BENCH_CONCURRENCY, BENCH_FLASH_STOCK,
//                                       BENCH_ROUNDS, BENCH_PAY_ORDERS, BENCH_PAY_ROUNDS,
//                                       BENCH_SERVER_NODE_ARGS: see bench/README.md)
//
// What it does: starts a throwaway MariaDB, builds the server if apps/server/dist is missing, starts
// the server on a free port against a fresh database, creates the members over HTTP (sandbox
// login-code + POST /join) and then lets every member claim one coupon of a template concurrently:
//
//   flash    stock 100, 1,000 claimants: 100 win (201), 900 get 409 OUT_OF_STOCK
//   large    stock ≥ members: everyone wins — the cost of the winning path
//   +idem    as large, each claim with an Idempotency-Key, as the mini-program sends it
//
// Each is compared with a baseline measured in the same run against the same MariaDB: the SQL the
// endpoint needs (count the member's claims; in a transaction the guarded `issued < stock` update and,
// when it took a unit, the coupon insert), sent straight through a mysql2 pool with the same number
// in flight. Scenarios run in interleaved rounds (3 by default), each round on a fresh template.
// Afterwards the database must show issued = COUNT(coupons) ≤ stock for every template (flash:
// = stock) and GET /api/v1/admin/invariants must answer ok:true.
//
// Then the payments benchmark (bench/payments.mjs), with the same server and members: order creation
// (POST /orders, with the sandbox's JSAPI prepay) and WeChat Pay notifications (first deliveries and
// duplicates, crafted and signed here), each against a baseline in the same run; every order must
// end up paid with exactly one points transaction. The invariants are checked once, at the very end.
//
// Results go to stdout and bench/RESULTS.md (overwritten). Server and MariaDB are always stopped.
// Only loopback addresses are used. Every loop is bounded by a count and by a deadline.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { createRequire } from 'node:module';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startMariaDB } from '../scripts/mariadb.mjs';
import { runPayments } from './payments.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const serverDir = path.join(root, 'apps', 'server');
const mysql = createRequire(path.join(serverDir, 'package.json'))('mysql2/promise');

const intEnv = (name, def) => {
  const v = Number(process.env[name] ?? def);
  if (!Number.isInteger(v) || v <= 0) throw new Error(`${name} must be a positive integer`);
  return v;
};

const CFG = {
  members: intEnv('BENCH_MEMBERS', 1000),
  concurrency: intEnv('BENCH_CONCURRENCY', 50),
  flashStock: intEnv('BENCH_FLASH_STOCK', 100),
  rounds: intEnv('BENCH_ROUNDS', 3), // each scenario, interleaved; the table pools the rounds
  warmup: 500, // claims per side before measuring (JIT, pools, buffer pool); not reported
  // The server's TypeORM pool (apps/server/src/database/database.module.ts: connectionLimit 30): the
  // baseline gets the same number of connections, and the same number of requests in flight.
  dbPool: 30,
  joinConcurrency: 20,
  // POST /join allows 600/min per client address. Shoppers of one store share a Wi-Fi address, but
  // not 1,000 of them: the joins come from several loopback addresses, each staying under the limit.
  joinSources: ['127.0.0.1', '127.0.0.2', '127.0.0.3', '127.0.0.4'],
  membersDeadlineMs: 60_000,
  scenarioDeadlineMs: 30_000,
  requestTimeoutMs: 15_000,
  totalDeadlineMs: 240_000, // hard stop for the whole run (it normally takes well under a minute)
};

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const log = (...a) => console.error('[bench]', ...a);
const t0 = Date.now();
const loadAtStart = os.loadavg()[0]; // other work on the machine skews the numbers: recorded in the report

// ── cleanup: server and MariaDB are stopped on success, failure, Ctrl-C and the hard deadline ──────
const cleanups = [];
let cleaning = null;
function cleanup() {
  cleaning ??= (async () => {
    for (const fn of cleanups.reverse()) await fn().catch((e) => log('cleanup:', e.message));
  })();
  return cleaning;
}
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'])
  process.once(sig, () => {
    log(`${sig}: stopping`);
    cleanup().finally(() => process.exit(130));
  });
const hardStop = setTimeout(() => {
  log(`run exceeded ${CFG.totalDeadlineMs / 1000}s: stopping`);
  cleanup().finally(() => process.exit(1));
}, CFG.totalDeadlineMs);
hardStop.unref();

// ── HTTP client: node:http with keep-alive, one socket per request in flight ─────────────────────
function makeClient(port, maxSockets) {
  const agent = new http.Agent({ keepAlive: true, maxSockets, maxFreeSockets: maxSockets });
  /** @returns {Promise<{status:number, body:any, ms:number, headers:object}>} */
  const request = (method, urlPath, { token, body, raw, headers = {}, localAddress } = {}) =>
    new Promise((resolve, reject) => {
      // `raw`: a body sent byte for byte (signed WeChat Pay notifications); `body`: JSON
      const payload =
        raw !== undefined ? Buffer.from(raw) : body === undefined ? null : Buffer.from(JSON.stringify(body));
      const start = process.hrtime.bigint();
      const req = http.request(
        {
          host: '127.0.0.1',
          port,
          method,
          path: urlPath,
          agent,
          localAddress,
          headers: {
            ...(payload && { 'content-type': 'application/json', 'content-length': payload.length }),
            ...(!payload && method !== 'GET' && { 'content-length': 0 }),
            ...(token && { authorization: `Bearer ${token}` }),
            ...headers,
          },
        },
        (res) => {
          const chunks = [];
          res.on('data', (c) => chunks.push(c));
          res.on('error', reject);
          res.on('end', () => {
            const ms = Number(process.hrtime.bigint() - start) / 1e6;
            const text = Buffer.concat(chunks).toString('utf8');
            let parsed = text;
            try {
              parsed = text ? JSON.parse(text) : null;
            } catch {
              // not JSON: keep the text
            }
            resolve({ status: res.statusCode, body: parsed, ms, headers: res.headers });
          });
        },
      );
      req.setTimeout(CFG.requestTimeoutMs, () =>
        req.destroy(new Error(`timeout after ${CFG.requestTimeoutMs} ms`)),
      );
      req.on('error', reject);
      req.end(payload ?? undefined);
    });
  return { request, close: () => agent.destroy() };
}

// ── bounded worker pool: `concurrency` tasks in flight, stops dispatching at the deadline ────────
async function runPool(count, concurrency, deadlineMs, task) {
  const results = new Array(count);
  let next = 0;
  const stopAt = Date.now() + deadlineMs;
  const start = process.hrtime.bigint();
  const worker = async () => {
    while (next < count && Date.now() < stopAt) {
      const i = next++;
      results[i] = await task(i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  const wallS = Number(process.hrtime.bigint() - start) / 1e9;
  return { results: results.filter(Boolean), wallS, timedOut: next < count };
}

// ── CPU accounting (Linux /proc): where the time went, per request ───────────────────────────────
const CLK_TCK = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();
function cpuMsOf(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLK_TCK; // utime + stime
  } catch {
    return NaN;
  }
}
function cpuSnapshot(pids) {
  const self = process.cpuUsage();
  return { server: cpuMsOf(pids.server), db: cpuMsOf(pids.db), bench: (self.user + self.system) / 1000 };
}
const cpuDelta = (a, b) => ({ server: b.server - a.server, db: b.db - a.db, bench: b.bench - a.bench });

// ── statistics ───────────────────────────────────────────────────────────────────────────────────
function percentile(values, p) {
  if (!values.length) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}
function summarize(name, kind, run, cpu) {
  const ok = run.results.filter((r) => r.outcome === 'ok');
  const rejected = run.results.filter((r) => r.outcome === 'rejected');
  const errors = run.results.filter((r) => r.outcome === 'error');
  const codes = {};
  for (const r of run.results) codes[r.code] = (codes[r.code] ?? 0) + 1;
  const n = run.results.length;
  return {
    name,
    kind,
    requests: n,
    ok: ok.length,
    rejected: rejected.length,
    errors: errors.length,
    codes,
    wallS: run.wallS,
    reqPerS: n / run.wallS,
    okPerS: ok.length / run.wallS,
    okP50: percentile(
      ok.map((r) => r.ms),
      50,
    ),
    okP99: percentile(
      ok.map((r) => r.ms),
      99,
    ),
    rejP50: percentile(
      rejected.map((r) => r.ms),
      50,
    ),
    rejP99: percentile(
      rejected.map((r) => r.ms),
      99,
    ),
    timedOut: run.timedOut,
    cpuPerReq: { server: cpu.server / n, db: cpu.db / n, bench: cpu.bench / n },
    firstErrors: errors.slice(0, 3).map((e) => e.detail),
  };
}

// ── the server ───────────────────────────────────────────────────────────────────────────────────
function newestMtime(p) {
  const st = statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  let max = 0;
  for (const e of readdirSync(p)) max = Math.max(max, newestMtime(path.join(p, e)));
  return max;
}

function ensureServerBuilt() {
  const main = path.join(serverDir, 'dist', 'main.js');
  if (existsSync(main)) {
    if (newestMtime(path.join(serverDir, 'src')) > statSync(main).mtimeMs)
      log(
        'warning: apps/server/src is newer than dist/main.js — benchmarking the last build (pnpm build to refresh)',
      );
    return;
  }
  const pnpm = (args) => {
    log(`pnpm ${args.join(' ')}`);
    const r = spawnSync('pnpm', args, { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
    if (r.status !== 0)
      throw new Error(`pnpm ${args.join(' ')} failed (${r.error?.message ?? `exit ${r.status}`})`);
  };
  pnpm([
    '--filter',
    '@allycard/domain',
    '--filter',
    '@allycard/contracts',
    '--filter',
    '@allycard/wechat-sandbox',
    'build',
  ]);
  pnpm(['--filter', '@allycard/server', 'build']);
  if (!existsSync(main)) throw new Error('server build produced no dist/main.js');
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer().once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

async function startServer(databaseUrl) {
  const port = await freePort();
  // BENCH_SERVER_NODE_ARGS: extra node flags for the server, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof"
  const nodeArgs = (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, path.join(serverDir, 'dist', 'main.js')], {
    cwd: serverDir,
    env: {
      ...process.env,
      PORT: String(port),
      DATABASE_URL: databaseUrl,
      SEED_DEMO: 'false',
      NODE_ENV: 'test',
      LOG_LEVEL: 'warn',
      JOBS: 'off',
      PUBLIC_URL: `http://127.0.0.1:${port}`,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = [];
  const keep = (chunk) => {
    output.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    if (output.length > 200) output.splice(0, output.length - 200);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exited = new Promise((r) => child.once('exit', (code, signal) => r({ code, signal })));
  const killNow = () => child.exitCode === null && child.signalCode === null && child.kill('SIGKILL');
  process.once('exit', killNow);
  const stop = async () => {
    process.removeListener('exit', killNow);
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    if (!(await Promise.race([exited, sleep(5000).then(() => null)]))) {
      child.kill('SIGKILL');
      await exited;
    }
  };

  const probe = makeClient(port, 1);
  const deadline = Date.now() + 60_000;
  try {
    for (;;) {
      const early = await Promise.race([exited, sleep(100).then(() => null)]);
      if (early)
        throw new Error(
          `server exited during start-up (${early.code ?? early.signal}):\n${output.slice(-30).join('\n')}`,
        );
      const res = await probe.request('GET', '/api/v1/health').catch(() => null);
      if (res?.status === 200) break;
      if (Date.now() > deadline)
        throw new Error(`server not ready after 60 s:\n${output.slice(-30).join('\n')}`);
    }
  } catch (e) {
    await stop();
    throw e;
  } finally {
    probe.close();
  }
  return { port, pid: child.pid, stop, output };
}

// ── the run ──────────────────────────────────────────────────────────────────────────────────────
async function main() {
  ensureServerBuilt();

  log('starting MariaDB …');
  const db = await startMariaDB();
  cleanups.push(() => db.stop());
  const dbUrl = new URL(db.url);
  dbUrl.pathname = '/allycard_bench';
  {
    const conn = await mysql.createConnection({ uri: db.url });
    await conn.query('CREATE DATABASE allycard_bench CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci');
    await conn.end();
  }
  const pool = mysql.createPool({
    uri: dbUrl.toString(),
    connectionLimit: CFG.dbPool,
    timezone: 'Z',
    supportBigNumbers: true,
    bigNumberStrings: true,
    charset: 'utf8mb4_unicode_ci',
  });
  cleanups.push(() => pool.end());
  const [[{ version: mariadbVersion }]] = await pool.query('SELECT VERSION() AS version');

  log(`MariaDB ${mariadbVersion} up in ${db.startMs} ms; starting the server …`);
  const serverT0 = Date.now();
  const server = await startServer(dbUrl.toString());
  cleanups.push(() => server.stop());
  log(`server up on 127.0.0.1:${server.port} in ${Date.now() - serverT0} ms (migrations included)`);
  const pids = { server: server.pid, db: db.pid };

  const client = makeClient(server.port, Math.max(CFG.concurrency, CFG.joinConcurrency));
  cleanups.push(async () => client.close());
  const api = (method, p, opts) => client.request(method, `/api/v1${p}`, opts);

  const login = await api('POST', '/admin/login', { body: { username: 'admin', password: 'admin123' } });
  if (login.status !== 200) throw new Error(`admin login: ${login.status} ${JSON.stringify(login.body)}`);
  const adminToken = login.body.token;

  const makeTemplate = async (title, stock) => {
    const res = await api('POST', '/admin/coupon-templates', {
      token: adminToken,
      body: {
        title,
        kind: 'no_threshold',
        valueFen: 500,
        thresholdFen: 0,
        stock,
        perMemberLimit: 1,
        validDays: 7,
        usableAt: 'alliance',
        audience: 'all',
        firstOrderOnly: false,
        forwardable: true,
        joinGift: false,
        issuer: { type: 'alliance' },
      },
    });
    if (res.status !== 201) throw new Error(`create template: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.id;
  };

  // ── members ──
  const sources = [];
  for (const addr of CFG.joinSources) {
    const ok = await client.request('GET', '/api/v1/health', { localAddress: addr }).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ok) sources.push(addr);
  }
  log(`creating ${CFG.members} members from ${sources.join(', ')} …`);
  const runId = Date.now().toString(36);
  const membersT0 = Date.now();
  const joinStopAt = membersT0 + CFG.membersDeadlineMs;
  let throttled = 0;
  const joined = await runPool(CFG.members, CFG.joinConcurrency, CFG.membersDeadlineMs, async (i) => {
    const localAddress = sources[i % sources.length];
    while (Date.now() < joinStopAt) {
      const codeRes = await client.request('POST', '/sandbox/wechat/login-code', {
        body: { openid: `bench_${runId}_${i}` },
        localAddress,
      });
      if (codeRes.status !== 200 && codeRes.status !== 201)
        return { outcome: 'error', detail: `login-code ${codeRes.status} ${JSON.stringify(codeRes.body)}` };
      const res = await api('POST', '/join', { body: { code: codeRes.body.code }, localAddress });
      if (res.status === 201 || res.status === 200)
        return {
          outcome: 'ok',
          token: res.body.token,
          memberId: res.body.member.id,
          openid: `bench_${runId}_${i}`,
        };
      if (res.status !== 429)
        return { outcome: 'error', detail: `join ${res.status} ${JSON.stringify(res.body)}` };
      throttled++;
      await sleep(Math.min(1000 * Number(res.headers['retry-after'] || 5), joinStopAt - Date.now()));
    }
    return { outcome: 'error', detail: 'join still rate-limited at the deadline' };
  });
  const members = joined.results.filter((r) => r.outcome === 'ok');
  const joinErrors = joined.results.filter((r) => r.outcome === 'error');
  const membersS = (Date.now() - membersT0) / 1000;
  log(
    `${members.length} members in ${membersS.toFixed(1)} s (${(members.length / membersS).toFixed(0)} joins/s, ${throttled} × 429)`,
  );
  if (joinErrors.length) log(`join errors: ${joinErrors.length}, first: ${joinErrors[0].detail}`);
  if (members.length < 10) throw new Error('too few members to benchmark');

  // ── one claim over HTTP ──
  const httpClaim = (templateId, withIdemKey) => async (i) => {
    const m = members[i];
    try {
      const res = await api('POST', `/offers/${templateId}/claim`, {
        token: m.token,
        headers: withIdemKey ? { 'idempotency-key': `bench-${runId}-${templateId}-${i}` } : {},
      });
      const code = res.status === 201 ? '201' : `${res.status} ${res.body?.error?.code ?? ''}`.trim();
      if (res.status === 201) return { outcome: 'ok', ms: res.ms, code };
      if (res.status === 409 && ['OUT_OF_STOCK', 'LIMIT_REACHED'].includes(res.body?.error?.code))
        return { outcome: 'rejected', ms: res.ms, code };
      return {
        outcome: 'error',
        ms: res.ms,
        code,
        detail: `${res.status} ${JSON.stringify(res.body).slice(0, 300)}`,
      };
    } catch (e) {
      return { outcome: 'error', ms: NaN, code: 'network', detail: e.message };
    }
  };

  // ── the same claim as bare SQL (the baseline) ──
  const sqlClaim = (templateId, allianceId) => async (i) => {
    const memberId = members[i].memberId;
    const start = process.hrtime.bigint();
    const done = (outcome, code) => ({ outcome, code, ms: Number(process.hrtime.bigint() - start) / 1e6 });
    try {
      const [[{ n }]] = await pool.query(
        'SELECT COUNT(*) AS n FROM coupons WHERE template_id = ? AND claimed_by_member_id = ?',
        [templateId, memberId],
      );
      if (Number(n) >= 1) return done('rejected', 'LIMIT_REACHED');
      const conn = await pool.getConnection();
      try {
        await conn.query('START TRANSACTION');
        const [upd] = await conn.query(
          "UPDATE coupon_templates SET issued = issued + 1 WHERE id = ? AND issued < stock AND status = 'active'",
          [templateId],
        );
        if (upd.affectedRows !== 1) {
          await conn.query('ROLLBACK');
          return done('rejected', 'OUT_OF_STOCK');
        }
        const now = new Date();
        await conn.query(
          `INSERT INTO coupons (alliance_id, template_id, member_id, claimed_by_member_id, claim_seq, source, status,
             valid_from, valid_until, received_from_member_id, used_at, used_merchant_id, redemption_id, order_id,
             created_at, updated_at)
           VALUES (?, ?, ?, ?, ?, 'claim', 'available', ?, ?, NULL, NULL, NULL, NULL, NULL, ?, ?)`,
          [
            allianceId,
            templateId,
            memberId,
            memberId,
            Number(n) + 1,
            now,
            new Date(now.getTime() + 7 * 86_400_000),
            now,
            now,
          ],
        );
        await conn.query('COMMIT');
        return done('ok', 'ok');
      } catch (e) {
        await conn.query('ROLLBACK').catch(() => {});
        throw e;
      } finally {
        conn.release();
      }
    } catch (e) {
      return { ...done('error', e.code ?? 'error'), detail: e.message };
    }
  };

  const allianceOf = async (templateId) =>
    (await pool.query('SELECT alliance_id FROM coupon_templates WHERE id = ?', [templateId]))[0][0]
      .alliance_id;

  // Statements MariaDB received (its `Questions` counter; the probe itself adds one).
  const questions = async () => Number((await pool.query("SHOW GLOBAL STATUS LIKE 'Questions'"))[0][0].Value);
  /** One round of one scenario: every member claims once, `CFG.concurrency` in flight. */
  const measure = async (sc, round, templateId) => {
    const q0 = await questions();
    const before = cpuSnapshot(pids);
    const run = await runPool(N, CFG.concurrency, CFG.scenarioDeadlineMs, sc.claim(templateId));
    const cpu = cpuDelta(before, cpuSnapshot(pids));
    const statements = (await questions()) - q0 - 1;
    const s = summarize(sc.name, sc.kind, run, cpu);
    log(
      `${sc.name} #${round}: ${s.requests} req in ${s.wallS.toFixed(2)} s = ${s.reqPerS.toFixed(0)} req/s, ` +
        `ok ${s.ok}, rejected ${s.rejected}, errors ${s.errors}${s.timedOut ? ' (deadline reached)' : ''}`,
    );
    for (const d of s.firstErrors) log(`  error: ${d}`);
    return { run, cpu, statements, summary: s, db: await verifyTemplate(templateId, s) };
  };

  /** What the database says about one template after its round. */
  const verifyTemplate = async (templateId, s) => {
    const [[t]] = await pool.query(
      `SELECT t.stock, t.issued, (SELECT COUNT(*) FROM coupons c WHERE c.template_id = t.id) AS coupons
         FROM coupon_templates t WHERE t.id = ?`,
      [templateId],
    );
    const [[per]] = await pool.query(
      `SELECT COALESCE(MAX(k), 0) AS m FROM
         (SELECT COUNT(*) AS k FROM coupons WHERE template_id = ? GROUP BY claimed_by_member_id) per_member`,
      [templateId],
    );
    const [stock, issued, coupons, maxPer] = [t.stock, t.issued, t.coupons, per.m].map(Number);
    const problems = [];
    if (issued > stock) problems.push(`issued ${issued} > stock ${stock}`);
    if (coupons !== issued) problems.push(`coupons ${coupons} ≠ issued ${issued}`);
    if (maxPer > 1) problems.push(`a member holds ${maxPer} coupons (limit 1)`);
    if (s.ok !== issued) problems.push(`${s.ok} successful claims ≠ issued ${issued}`);
    // With every claimant done, a flash sale sells out exactly and a large stock serves everyone.
    const expected = Math.min(stock, s.requests);
    if (!s.timedOut && s.errors === 0 && issued !== expected)
      problems.push(`issued ${issued}, expected ${expected}`);
    return {
      stock,
      issued,
      coupons,
      maxPer,
      problems,
      oversold: issued > stock || coupons > stock || maxPer > 1,
    };
  };

  const N = members.length;
  const warm = Math.min(CFG.warmup, N);
  const warmSql = await makeTemplate('bench warm-up SQL', N);
  const allianceId = await allianceOf(warmSql); // the admin's alliance, as the server would write it
  const SCENARIOS = [
    {
      key: 'flashSql',
      name: `baseline SQL, flash (stock ${CFG.flashStock})`,
      kind: 'baseline',
      stock: CFG.flashStock,
      claim: (t) => sqlClaim(t, allianceId),
    },
    {
      key: 'flashHttp',
      name: `HTTP flash (stock ${CFG.flashStock})`,
      kind: 'http',
      stock: CFG.flashStock,
      claim: (t) => httpClaim(t, false),
      base: 'flashSql',
    },
    {
      key: 'largeSql',
      name: `baseline SQL, large (stock ${N})`,
      kind: 'baseline',
      stock: N,
      claim: (t) => sqlClaim(t, allianceId),
    },
    {
      key: 'largeHttp',
      name: `HTTP large (stock ${N})`,
      kind: 'http',
      stock: N,
      claim: (t) => httpClaim(t, false),
      base: 'largeSql',
    },
    {
      key: 'largeIdem',
      name: 'HTTP large + Idempotency-Key',
      kind: 'http',
      stock: N,
      claim: (t) => httpClaim(t, true),
      base: 'largeSql',
    },
  ];

  log(`warm-up: ${warm} claims per side …`);
  await runPool(warm, CFG.concurrency, CFG.scenarioDeadlineMs, sqlClaim(warmSql, allianceId));
  await runPool(
    warm,
    CFG.concurrency,
    CFG.scenarioDeadlineMs,
    httpClaim(await makeTemplate('bench warm-up HTTP', N), false),
  );

  // Rounds interleave the scenarios, so a noisy moment on the machine hits baseline and HTTP alike.
  const rounds = new Map(SCENARIOS.map((sc) => [sc.key, []]));
  for (let round = 1; round <= CFG.rounds; round++)
    for (const sc of SCENARIOS) {
      const templateId = await makeTemplate(`bench ${sc.name} #${round}`, sc.stock);
      rounds.get(sc.key).push(await measure(sc, round, templateId));
    }

  // One row per scenario: all rounds together (req/s = all requests ÷ all wall time).
  const rows = SCENARIOS.map((sc) => {
    const rs = rounds.get(sc.key);
    const run = {
      results: rs.flatMap((r) => r.run.results),
      wallS: rs.reduce((a, r) => a + r.run.wallS, 0),
      timedOut: rs.some((r) => r.run.timedOut),
    };
    const cpu = ['server', 'db', 'bench'].reduce(
      (a, k) => ({ ...a, [k]: rs.reduce((sum, r) => sum + r.cpu[k], 0) }),
      {},
    );
    const s = summarize(sc.name, sc.kind, run, cpu);
    s.key = sc.key;
    s.baseKey = sc.base;
    s.roundReqPerS = rs.map((r) => r.summary.reqPerS);
    s.statementsPerReq = rs.reduce((a, r) => a + r.statements, 0) / s.requests;
    s.db = rs.map((r) => r.db);
    s.problems = rs.flatMap((r, i) => r.db.problems.map((p) => `round ${i + 1}: ${p}`));
    s.oversold = rs.some((r) => r.db.oversold);
    return s;
  });
  for (const r of rows) r.base = rows.find((b) => b.key === r.baseKey);

  // ── the payments benchmark (bench/payments.mjs): order creation and payment notifications ──
  log('payments: order creation and WeChat Pay notifications …');
  const payments = await runPayments({
    request: client.request,
    api,
    pool,
    members,
    adminToken,
    runId,
    cfg: CFG,
    runPool,
    summarize,
    cpuSnapshot,
    cpuDelta,
    pids,
    log,
    serverDir,
  }).catch((e) => {
    log('payments FAILED:', e.stack ?? e.message);
    return { failed: true, problems: [e.message], markdown: `## Payments\n\n**failed: ${e.message}**\n` };
  });

  // One invariants check at the end covers both benchmarks' data.
  const inv = await api('GET', '/admin/invariants', { token: adminToken });
  const invariantsOk = inv.status === 200 && inv.body?.ok === true;
  if (!invariantsOk) log(`invariants: ${inv.status} ${JSON.stringify(inv.body)}`);

  // ── report ──
  const machine = {
    date: new Date().toISOString(),
    command: `pnpm bench  (node bench/run.mjs${process.argv.slice(2).length ? ' ' + process.argv.slice(2).join(' ') : ''})`,
    rounds: CFG.rounds,
    settings: `rounds ${CFG.rounds}, members ${N}, in flight ${CFG.concurrency}, flash stock ${CFG.flashStock}, DB pool ${CFG.dbPool} (server and baseline), warm-up ${warm} claims per side`,
    cpus: `${os.availableParallelism?.() ?? os.cpus().length} (nproc) — ${os.cpus()[0]?.model ?? '?'}`,
    memory: (() => {
      try {
        return execFileSync('free', ['-h'], { encoding: 'utf8' }).trimEnd();
      } catch {
        return `${(os.totalmem() / 2 ** 30).toFixed(1)} GiB total`;
      }
    })(),
    node: process.version,
    mariadb: mariadbVersion,
    os: `${os.type()} ${os.release()}`,
    load: `${loadAtStart.toFixed(2)} at the start, ${os.loadavg()[0].toFixed(2)} at the end`,
    git: (() => {
      try {
        const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], {
          cwd: root,
          encoding: 'utf8',
        }).trim();
        const dirty = execFileSync('git', ['status', '--porcelain', 'apps/server'], {
          cwd: root,
          encoding: 'utf8',
        }).trim();
        return `${head}${dirty ? ' (apps/server has uncommitted changes)' : ''}`;
      } catch {
        return 'unknown';
      }
    })(),
    members: `${N} created in ${membersS.toFixed(1)} s (${(N / membersS).toFixed(0)} joins/s over HTTP, ${sources.length} loopback source address(es), ${throttled} × 429)`,
  };
  machine.invariantsMs = inv.ms;
  const markdown = await prettify(report(rows, machine, invariantsOk, inv.body, payments.markdown));
  console.log('\n' + markdown);
  writeFileSync(resultsFile, markdown);
  log(`wrote bench/RESULTS.md; total ${((Date.now() - t0) / 1000).toFixed(1)} s`);

  if (payments.failed) log(`payments: ${payments.problems.join('; ')}`);
  // LOG_LEVEL=warn: whatever the server wrote during the run is worth a look.
  if (server.output.length) {
    log(
      `the server wrote ${server.output.length} log line(s) (warn and above; the last 200 kept), by message:`,
    );
    const brief = (line) => {
      try {
        const j = JSON.parse(line);
        return `level ${j.level} ${j.req ? `${j.req.method} ${j.req.url} ` : ''}${j.context ?? ''}: ${String(j.msg ?? j.err?.message ?? '').slice(0, 300)}`;
      } catch {
        return line.slice(0, 300);
      }
    };
    const counts = {};
    for (const line of server.output)
      counts[brief(line).slice(0, 120)] = (counts[brief(line).slice(0, 120)] ?? 0) + 1;
    for (const [line, n] of Object.entries(counts).slice(0, 10)) log(`  ${n} × ${line}`);
  }
  const failed =
    rows.some((r) => r.problems.length || r.errors) ||
    !invariantsOk ||
    joinErrors.length > 0 ||
    payments.failed;
  return failed ? 1 : 0;
}

const resultsFile = path.join(root, 'bench', 'RESULTS.md');

/** Formats the report as `pnpm lint` expects (aligned tables); unformatted when Prettier is absent. */
async function prettify(markdown) {
  try {
    const prettier = createRequire(path.join(root, 'package.json'))('prettier');
    const options = (await prettier.resolveConfig(resultsFile)) ?? {};
    return await prettier.format(markdown, { ...options, filepath: resultsFile });
  } catch {
    return markdown;
  }
}

function report(rows, machine, invariantsOk, invariantsBody, paymentsMarkdown) {
  const f = (v, d = 0) => (v === null || v === undefined || Number.isNaN(v) ? '–' : v.toFixed(d));
  const lines = [];
  lines.push('# allycard benchmarks — results', '');
  lines.push(
    'Generated by `pnpm bench` (bench/run.mjs); overwritten on every run. How to read it: bench/README.md.',
    '',
  );
  lines.push('## Flash claim: many members claiming coupons at once', '');
  lines.push(
    '| scenario | requests | ok | rejected | errors | wall s | req/s | req/s per round | ok/s | ok p50 ms | ok p99 ms | rejected p50 ms | rejected p99 ms | ratio to baseline | oversold |',
  );
  lines.push(
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
  );
  for (const r of rows) {
    const ratio = r.base ? r.reqPerS / r.base.reqPerS : 1;
    lines.push(
      `| ${r.name}${r.timedOut ? ' (deadline)' : ''} | ${r.requests} | ${r.ok} | ${r.rejected} | ${r.errors} | ${f(r.wallS, 2)} | ${f(r.reqPerS)} | ${r.roundReqPerS.map((v) => f(v)).join(', ')} | ${f(r.okPerS)} | ${f(r.okP50, 1)} | ${f(r.okP99, 1)} | ${f(r.rejP50, 1)} | ${f(r.rejP99, 1)} | ${r.base ? `${f(ratio, 3)} (${f(1 / ratio, 1)}× slower)` : 'baseline'} | ${r.oversold ? '**YES**' : 'no'} |`,
    );
  }
  lines.push('');
  lines.push(
    `${machine.rounds} interleaved rounds per scenario, pooled: req/s = all requests ÷ all wall time, ` +
      'percentiles over all answers. Ratio = HTTP req/s ÷ baseline req/s of the same stock shape, ' +
      'both measured in this run.',
    '',
  );

  lines.push('### Correctness afterwards (from the database; one template per round)', '');
  lines.push(
    '| scenario | stock | issued | coupons | max per member | answers | check |',
    '| --- | ---: | ---: | ---: | ---: | --- | --- |',
  );
  for (const r of rows)
    lines.push(
      `| ${r.name} | ${r.db.map((d) => d.stock).join(', ')} | ${r.db.map((d) => d.issued).join(', ')} | ${r.db.map((d) => d.coupons).join(', ')} | ${Math.max(...r.db.map((d) => d.maxPer))} | ${Object.entries(
        r.codes,
      )
        .map(([c, n]) => `${c}: ${n}`)
        .join(', ')} | ${r.problems.length ? '**' + r.problems.join('; ') + '**' : 'ok'} |`,
    );
  lines.push('');

  lines.push('### Cost per request: SQL statements and CPU ms (Linux /proc, whole processes)', '');
  lines.push(
    '| scenario | SQL statements | server CPU ms (Node) | MariaDB CPU ms | bench client CPU ms |',
    '| --- | ---: | ---: | ---: | ---: |',
  );
  for (const r of rows)
    lines.push(
      `| ${r.name} | ${f(r.statementsPerReq, 1)} | ${f(r.cpuPerReq.server, 3)} | ${f(r.cpuPerReq.db, 3)} | ${f(r.cpuPerReq.bench, 3)} |`,
    );
  lines.push('');

  if (paymentsMarkdown) lines.push(paymentsMarkdown, '');
  lines.push('## Invariants at the end of the run (both benchmarks)', '');
  lines.push(
    `GET /api/v1/admin/invariants: ${invariantsOk ? 'ok: true' : '**' + JSON.stringify(invariantsBody).slice(0, 500) + '**'} (answered in ${machine.invariantsMs?.toFixed(0) ?? '?'} ms)`,
    '',
  );
  lines.push('## Machine and run', '');
  lines.push(`- date: ${machine.date}`);
  lines.push(`- command: \`${machine.command}\``);
  lines.push(`- settings: ${machine.settings}`);
  lines.push(`- members: ${machine.members}`);
  lines.push(`- CPUs: ${machine.cpus}`);
  lines.push(`- node: ${machine.node}; MariaDB: ${machine.mariadb}; OS: ${machine.os}`);
  lines.push(`- load average (1 min): ${machine.load}`);
  lines.push(`- git: ${machine.git}`);
  lines.push(
    '- client, server and MariaDB share this machine (loopback only), so they compete for the same CPUs.',
  );
  lines.push('', '`free -h`:', '', '```', machine.memory, '```', '');
  return lines.join('\n');
}

let code = 1;
try {
  code = await main();
} catch (e) {
  if (cleaning) log('interrupted');
  else log('FAILED:', e.stack ?? e.message);
} finally {
  await cleanup();
  clearTimeout(hardStop);
}
process.exit(code);
