// What a run measures: the command line (`pnpm bench [names…] [--quick]`), the BENCH_* variables
// (bench/README.md, Knobs) and the server's own constants, read from the build the run starts.
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const serverDir = path.join(repoRoot, 'apps', 'server');
export const resultsFile = path.join(repoRoot, 'bench', 'RESULTS.md');
/** Where runs that are not the full benchmark write their report (git ignores it). */
export const scratchResultsFile = path.join(repoRoot, 'bench', '.tmp', 'RESULTS.md');

/** A limit of the server's throttler: so many requests per `ttl` ms. */
interface RateLimit {
  limit: () => number;
  ttl: number;
}

/** The constants the benchmark needs from the server, so that it never keeps copies of them. */
export interface ServerConstants {
  /** Where WeChat Pay posts notifications (orders/pay-settings.ts). */
  notifyPath: string;
  /** How long an order waits for its payment (orders/pay-settings.ts): the prepay's time_expire. */
  payWindowMs: number;
  /** The server's MySQL pool (database.module.ts): the baselines get as many connections. */
  dbPoolSize: number;
  /** POST /join, per client address. */
  joinLimit: RateLimit;
  /** Claims and POST /orders, per member. */
  claimLimit: RateLimit;
}

/**
 * Reads the constants from apps/server/dist, the build the benchmark runs: the bench then measures
 * what it thinks it measures even when the sources have moved on.
 */
export function loadServerConstants(): ServerConstants {
  const load = createRequire(import.meta.url);
  const orders = load('@allycard/server/dist/orders/pay-settings.js') as {
    NOTIFY_PATH?: unknown;
    PAY_WINDOW_MS?: unknown;
  };
  const database = load('@allycard/server/dist/database/database.module.js') as { DB_POOL_SIZE?: unknown };
  const throttling = load('@allycard/server/dist/common/throttling.js') as {
    RATE_LIMITS?: Record<string, RateLimit | undefined>;
  };
  const join = throttling.RATE_LIMITS?.join;
  const claim = throttling.RATE_LIMITS?.claim;
  if (
    typeof orders.NOTIFY_PATH !== 'string' ||
    typeof orders.PAY_WINDOW_MS !== 'number' ||
    typeof database.DB_POOL_SIZE !== 'number' ||
    typeof join?.limit !== 'function' ||
    typeof claim?.limit !== 'function'
  )
    throw new Error(
      'apps/server/dist lacks NOTIFY_PATH, PAY_WINDOW_MS, DB_POOL_SIZE or RATE_LIMITS: it predates them, run pnpm build',
    );
  return {
    notifyPath: orders.NOTIFY_PATH,
    payWindowMs: orders.PAY_WINDOW_MS,
    dbPoolSize: database.DB_POOL_SIZE,
    joinLimit: join,
    claimLimit: claim,
  };
}

export interface Settings {
  /** Scenario names to run, in the order given; empty = all. */
  only: string[];
  /** Small sizes for development: the report goes to bench/.tmp, never to RESULTS.md. */
  quick: boolean;
  /** Whether this run is the full benchmark, whose report is bench/RESULTS.md. */
  writesResults: boolean;
  members: number;
  concurrency: number;
  flashStock: number;
  rounds: number;
  payOrders: number;
  payRounds: number;
  /** Claims per side before the flash-claim rounds (JIT, pools, buffer pool); not reported. */
  warmupClaims: number;
  joinConcurrency: number;
  /**
   * POST /join counts per client address. Shoppers of one store share a Wi-Fi address, but not 1,000
   * of them: the joins come from several loopback addresses, each staying under the limit.
   */
  joinSources: string[];
  membersDeadlineMs: number;
  scenarioDeadlineMs: number;
  requestTimeoutMs: number;
  /** Hard stop for the whole run. */
  totalDeadlineMs: number;
  /** reports-1m: members and purchases seeded straight into MariaDB, samples per measured query */
  reportMembers: number;
  reportPurchases: number;
  reportSamples: number;
  /**
   * The throwaway MariaDB's InnoDB buffer pool (BENCH_MARIADB_BUFFER_POOL): 2G when reports-1m runs
   * at full size (its 1 M members and 10 M purchases, some GB, are read in member-id batches by the
   * rebuild), else scripts/mariadb.mjs's 256M.
   */
  bufferPool: string | undefined;
  /** Extra node flags for the server (BENCH_SERVER_NODE_ARGS), e.g. a CPU profile. */
  serverNodeArgs: string[];
  server: ServerConstants;
}

function intEnv(name: string, fallback: number): number {
  const v = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(v) || v <= 0) throw new Error(`${name} must be a positive integer`);
  return v;
}

const USAGE = 'usage: pnpm bench [scenario …] [--quick]';

export function readSettings(argv: string[], known: string[], server: ServerConstants): Settings {
  const flags = argv.filter((a) => a.startsWith('-'));
  const only = argv.filter((a) => !a.startsWith('-'));
  const badFlag = flags.find((f) => f !== '--quick');
  const badName = only.find((n) => !known.includes(n));
  if (badFlag || badName)
    throw new Error(`${USAGE}; scenarios: ${known.join(', ')} (unknown: ${badFlag ?? badName})`);
  const quick = flags.includes('--quick');
  const members = intEnv('BENCH_MEMBERS', quick ? 120 : 1000);
  const rounds = intEnv('BENCH_ROUNDS', quick ? 1 : 3);
  return {
    only,
    quick,
    writesResults: !quick && only.length === 0,
    members,
    concurrency: intEnv('BENCH_CONCURRENCY', quick ? 20 : 50),
    flashStock: intEnv('BENCH_FLASH_STOCK', quick ? 20 : 100),
    rounds,
    payOrders: intEnv('BENCH_PAY_ORDERS', members),
    payRounds: intEnv('BENCH_PAY_ROUNDS', rounds),
    warmupClaims: quick ? 50 : 500,
    joinConcurrency: 20,
    joinSources: ['127.0.0.1', '127.0.0.2', '127.0.0.3', '127.0.0.4'],
    membersDeadlineMs: 60_000,
    scenarioDeadlineMs: 30_000,
    requestTimeoutMs: 15_000,
    // reports-1m seeds 10 M purchases and rebuilds the stats: allow it its hour
    totalDeadlineMs: only.length && !only.includes('reports-1m') ? 600_000 : quick ? 900_000 : 5_400_000,
    reportMembers: intEnv('BENCH_REPORT_MEMBERS', quick ? 10_000 : 1_000_000),
    reportPurchases: intEnv('BENCH_REPORT_PURCHASES', quick ? 100_000 : 10_000_000),
    bufferPool:
      process.env.BENCH_MARIADB_BUFFER_POOL ||
      (!quick && (!only.length || only.includes('reports-1m')) ? '2G' : undefined),
    reportSamples: intEnv('BENCH_REPORT_SAMPLES', quick ? 30 : 100),
    serverNodeArgs: (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean),
    server,
  };
}
