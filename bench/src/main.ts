// pnpm bench — the flash-claim and payments benchmarks (a measurement, not a test; see bench/README.md).
//
//   pnpm bench                    every scenario, full size; writes bench/RESULTS.md
//   pnpm bench payments           named scenarios only;       writes bench/.tmp/RESULTS.md
//   pnpm bench --quick            small sizes, for development; writes bench/.tmp/RESULTS.md
//   BENCH_MEMBERS=300 pnpm bench  other sizes (BENCH_* in bench/README.md)
//
// Starts a throwaway MariaDB and the built server on it, creates the members over HTTP, then runs each
// scenario: setup, interleaved rounds of baseline and HTTP, verification from the database. Last,
// GET /api/v1/admin/invariants over all the data. Server and MariaDB are always stopped; only loopback
// addresses are used; every loop is bounded by a count and by a deadline.
import type { AdminLoginResponse, InvariantReport } from '@allycard/contracts';
import type { RowDataPacket } from 'mysql2/promise';
import os from 'node:os';
import { httpClient, type ApiClient } from './lib/http.js';
import { startDatabase } from './lib/mariadb.js';
import { Meter } from './lib/measure.js';
import { createMembers } from './lib/members.js';
import { machineSection, writeReport } from './lib/report.js';
import { startServer, staleBuildWarning, summarizeOutput } from './lib/server.js';
import {
  loadServerConstants,
  readSettings,
  resultsFile,
  scratchResultsFile,
  type Settings,
} from './lib/settings.js';
import type { BenchContext } from './lib/types.js';
import { SCENARIOS } from './scenarios/index.js';

const log = (...parts: unknown[]) => console.error('[bench]', ...parts);
const t0 = Date.now();
const loadAtStart = os.loadavg()[0] ?? 0; // other work on the machine skews the figures: in the report

// Server and MariaDB are stopped on success, failure, Ctrl-C and the hard deadline.
const cleanups: (() => Promise<void>)[] = [];
let cleaning: Promise<void> | null = null;
function cleanup(): Promise<void> {
  cleaning ??= (async () => {
    for (const fn of cleanups.reverse()) await fn().catch((e: Error) => log('cleanup:', e.message));
  })();
  return cleaning;
}
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const)
  process.once(sig, () => {
    log(`${sig}: stopping`);
    void cleanup().finally(() => process.exit(130));
  });

function settingsLine(s: Settings): string {
  return (
    `rounds ${s.rounds}, members ${s.members}, in flight ${s.concurrency}, flash stock ${s.flashStock}, ` +
    `payments ${s.payOrders} orders × ${s.payRounds} rounds, DB pool ${s.server.dbPoolSize} (server and baseline)` +
    (s.quick ? ', --quick' : '')
  );
}

async function main(): Promise<number> {
  const settings = readSettings(
    process.argv.slice(2),
    SCENARIOS.map((sc) => sc.name),
    loadServerConstants(),
  );
  const hardStop = setTimeout(() => {
    log(`run exceeded ${settings.totalDeadlineMs / 1000}s: stopping`);
    void cleanup().finally(() => process.exit(1));
  }, settings.totalDeadlineMs);
  hardStop.unref();
  const selected = settings.only.length
    ? settings.only.map((name) => SCENARIOS.find((sc) => sc.name === name)!)
    : SCENARIOS;
  const stale = staleBuildWarning();
  if (stale) log(`warning: ${stale}`);

  log('starting MariaDB …');
  const db = await startDatabase(settings.server.dbPoolSize, settings.bufferPool);
  cleanups.push(db.stop);
  log(`MariaDB ${db.version} up in ${db.startMs} ms; starting the server …`);
  const serverT0 = Date.now();
  const server = await startServer(db.url, settings.serverNodeArgs);
  cleanups.push(server.stop);
  log(`server up on 127.0.0.1:${server.port} in ${Date.now() - serverT0} ms (migrations included)`);

  const http = httpClient(
    server.port,
    Math.max(settings.concurrency, settings.joinConcurrency),
    settings.requestTimeoutMs,
  );
  cleanups.push(async () => http.close());
  const api: ApiClient = (method, path, options) => http.request(method, `/api/v1${path}`, options);

  // A fresh admin token: a long scenario (reports-1m) outlives one.
  const adminLogin = async () => {
    const login = await api<AdminLoginResponse>('POST', '/admin/login', {
      body: { username: 'admin', password: 'admin123' },
    });
    if (login.status !== 200) throw new Error(`admin login: ${login.status} ${JSON.stringify(login.body)}`);
    return login.body.token;
  };
  const adminToken = await adminLogin();
  const runId = Date.now().toString(36);
  const joined = await createMembers(http, settings, runId, log);
  if (joined.members.length < 10) throw new Error('too few members to benchmark');
  const [[member]] = await db.pool.query<RowDataPacket[]>('SELECT alliance_id FROM members WHERE id = ?', [
    joined.members[0]!.memberId,
  ]);
  const ctx: BenchContext = {
    settings,
    http,
    api,
    pool: db.pool,
    databaseUrl: db.url,
    meter: new Meter(db.pool, { server: server.pid, db: db.pid }, log),
    serverPid: server.pid,
    serverPort: server.port,
    members: joined.members,
    adminToken,
    adminLogin,
    allianceId: String(member?.alliance_id),
    runId,
    log,
  };

  const sections: string[] = [];
  const problems: string[] = joined.errors.length ? [`${joined.errors.length} joins failed`] : [];
  for (const scenario of selected) {
    try {
      const state = await scenario.setup(ctx);
      for (let round = 1; round <= state.rounds; round++) {
        await scenario.baseline(state, round);
        await scenario.run(state, round);
      }
      const report = await scenario.verify(state);
      sections.push(report.markdown);
      problems.push(...report.problems.map((p) => `${scenario.name}: ${p}`));
    } catch (e) {
      const err = e as Error;
      log(`${scenario.name} FAILED:`, err.stack ?? err.message);
      sections.push(`## ${scenario.name}\n\n**failed: ${err.message}**\n`);
      problems.push(`${scenario.name}: ${err.message}`);
    }
  }

  // One invariants check at the end covers every scenario's data.
  const inv = await api<InvariantReport>('GET', '/admin/invariants', { token: await adminLogin() });
  const invariantsOk = inv.status === 200 && inv.body?.ok === true;
  if (!invariantsOk) {
    log(`invariants: ${inv.status} ${JSON.stringify(inv.body)}`);
    problems.push('invariants do not hold');
  }

  const args = process.argv.slice(2).join(' ');
  const N = joined.members.length;
  const markdown = [
    '# allycard benchmarks — results',
    '',
    'Generated by `pnpm bench` (bench/src/main.ts); overwritten on every full run. How to read it: bench/README.md.',
    '',
    ...sections,
    '## Invariants at the end of the run (all scenarios)',
    '',
    `GET /api/v1/admin/invariants: ${invariantsOk ? 'ok: true' : `**${JSON.stringify(inv.body).slice(0, 500)}**`} (answered in ${inv.ms.toFixed(0)} ms)`,
    '',
    ...machineSection({
      command: `pnpm bench${args ? ` ${args}` : ''}`,
      settings: settingsLine(settings),
      members:
        `${N} created in ${joined.seconds.toFixed(1)} s (${(N / joined.seconds).toFixed(0)} joins/s over HTTP, ` +
        `${joined.sources.length} loopback source address(es), ${joined.throttled} × 429)`,
      mariadb: db.version,
      loadAtStart,
    }),
  ].join('\n');
  const file = settings.writesResults ? resultsFile : scratchResultsFile;
  console.log(`\n${await writeReport(file, markdown)}`);
  log(`wrote ${file}; total ${((Date.now() - t0) / 1000).toFixed(1)} s`);

  // LOG_LEVEL=warn: whatever the server wrote during the run is worth a look.
  if (server.output.length) {
    log(
      `the server wrote ${server.output.length} log line(s) (warn and above; the last 200 kept), by message:`,
    );
    for (const line of summarizeOutput(server.output)) log(`  ${line}`);
  }
  for (const p of problems) log(`problem: ${p}`);
  clearTimeout(hardStop);
  return problems.length ? 1 : 0;
}

let code = 1;
try {
  code = await main();
} catch (e) {
  if (cleaning) log('interrupted');
  else log('FAILED:', (e as Error).stack ?? (e as Error).message);
} finally {
  await cleanup();
}
process.exit(code);
