// Where a campaign launch's time goes and what it does to the claims beside it (issue 12): sampled
// every 100 ms on its own connection while the launch runs — InnoDB's lock waits (who waits for
// which table and index), the row-lock counters, the statements running at once — and the CPU of
// the API server, the worker replica, MariaDB and this process over the whole launch.
import { readFileSync } from 'node:fs';
import type { Connection, Pool, RowDataPacket } from 'mysql2/promise';
import { cpuMsOf } from '../lib/measure.js';

const SAMPLE_MS = 100;

interface Counters {
  rowLockWaits: number;
  rowLockTimeMs: number;
  questions: number;
}

export interface LaunchProbeReport {
  samples: number;
  /** samples in which at least one transaction waited for a lock */
  samplesWithWaits: number;
  /** waits seen, by `table / index (mode)` of the lock waited for, with the longest wait seen */
  waits: { lock: string; seen: number; maxWaitMs: number }[];
  rowLockWaits: number;
  rowLockTimeMs: number;
  statements: number;
  /** samples (after the launch answered) during which a batch transaction (over 50 rows modified) was open, and the oldest seen */
  samplesInBatch: number;
  /** samples taken after the launch request answered */
  batchSamples: number;
  maxBatchAgeMs: number;
  /** the most statements running at one moment (Threads_running) */
  maxThreadsRunning: number;
  /** CPU ms over the launch, by process, and the wall ms it was measured over */
  cpuMs: Record<string, number>;
  wallMs: number;
  /** share of the launch's wall time during which some runnable task waited for a CPU (/proc/pressure/cpu) */
  cpuWaitShare: number;
  /** with BENCH_STATEMENT_LOG=1: the statements that took the most time in all, from mysql.slow_log */
  statementTimes: { statement: string; n: number; totalMs: number; maxMs: number; lockMs: number }[];
}

/** Linux PSI: µs during which some runnable task waited for a CPU, since boot (NaN without PSI) */
function cpuPressureUs(): number {
  try {
    return Number(/^some .*total=(\d+)/m.exec(readFileSync('/proc/pressure/cpu', 'utf8'))?.[1] ?? NaN);
  } catch {
    return NaN;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function counters(conn: Connection): Promise<Counters> {
  const [rows] = await conn.query<RowDataPacket[]>(
    "SHOW GLOBAL STATUS WHERE Variable_name IN ('Innodb_row_lock_waits', 'Innodb_row_lock_time', 'Questions')",
  );
  const of = (name: string) => Number(rows.find((r) => r.Variable_name === name)?.Value ?? 0);
  return {
    rowLockWaits: of('Innodb_row_lock_waits'),
    rowLockTimeMs: of('Innodb_row_lock_time'),
    questions: of('Questions'),
  };
}

/** Starts sampling; `stop()` ends it and answers what it saw. */
export async function startLaunchProbe(
  pool: Pool,
  pids: Record<string, number>,
): Promise<{ batching(): void; stop(): Promise<LaunchProbeReport> }> {
  const conn = await pool.getConnection();
  // BENCH_STATEMENT_LOG=1: every statement into mysql.slow_log (costs time: diagnosis only)
  const statementLog = process.env.BENCH_STATEMENT_LOG === '1';
  if (statementLog)
    await conn.query(
      "SET GLOBAL log_output = 'TABLE', GLOBAL long_query_time = 0, GLOBAL slow_query_log = 1",
    );
  const c0 = await counters(conn);
  const cpu0 = Object.fromEntries(Object.entries(pids).map(([k, pid]) => [k, cpuMsOf(pid)]));
  const self0 = process.cpuUsage();
  const pressure0 = cpuPressureUs();
  const t0 = Date.now();
  const waits = new Map<string, { seen: number; maxWaitMs: number }>();
  let samples = 0;
  let samplesWithWaits = 0;
  let maxThreadsRunning = 0;
  let samplesInBatch = 0;
  let batchSamples = 0;
  let maxBatchAgeMs = 0;
  let running = true;
  // the launch request's own transaction (the audience frozen into campaign_targets) also modifies
  // many rows: batch transactions are counted once it has answered
  let batching = false;
  const loop = (async () => {
    while (running) {
      samples++;
      const [rows] = await conn.query<RowDataPacket[]>(
        `SELECT l.lock_table AS tbl, l.lock_index AS idx, l.lock_mode AS mode,
                TIMESTAMPDIFF(MICROSECOND, r.trx_wait_started, NOW(6)) / 1000 AS wait_ms,
                LEFT(r.trx_query, 40) AS waiting, LEFT(COALESCE(b.trx_query, '(between statements)'), 40) AS holder,
                b.trx_rows_modified AS holder_rows
           FROM information_schema.INNODB_LOCK_WAITS w
           JOIN information_schema.INNODB_TRX r ON r.trx_id = w.requesting_trx_id
           JOIN information_schema.INNODB_TRX b ON b.trx_id = w.blocking_trx_id
           JOIN information_schema.INNODB_LOCKS l ON l.lock_id = w.requested_lock_id`,
      );
      if (rows.length) samplesWithWaits++;
      for (const r of rows) {
        const query = (q: unknown) =>
          String(q ?? '')
            .replace(/\s+/g, ' ')
            .replace(/`/g, '');
        const key = `${String(r.tbl).replace(/`/g, '')} / ${String(r.idx ?? '–')} (${String(r.mode)}): ${query(r.waiting)} … waits for ${query(r.holder)} … (${Number(r.holder_rows) > 50 ? 'a batch' : 'a claim-sized transaction'})`;
        const seen = waits.get(key) ?? { seen: 0, maxWaitMs: 0 };
        seen.seen++;
        seen.maxWaitMs = Math.max(seen.maxWaitMs, Number(r.wait_ms) || 0);
        waits.set(key, seen);
      }
      // the batch transactions: many rows modified (a claim modifies a handful)
      const [batches] = await conn.query<RowDataPacket[]>(
        `SELECT TIMESTAMPDIFF(MICROSECOND, trx_started, NOW(6)) / 1000 AS age_ms
           FROM information_schema.INNODB_TRX WHERE trx_rows_modified > 50`,
      );
      if (batching && batches.length) samplesInBatch++;
      if (batching) for (const b of batches) maxBatchAgeMs = Math.max(maxBatchAgeMs, Number(b.age_ms) || 0);
      if (batching) batchSamples++;
      const [threads] = await conn.query<RowDataPacket[]>("SHOW GLOBAL STATUS LIKE 'Threads_running'");
      // minus this probe's own statement
      maxThreadsRunning = Math.max(maxThreadsRunning, Number(threads[0]?.Value ?? 1) - 1);
      await sleep(SAMPLE_MS);
    }
  })();
  return {
    batching() {
      batching = true;
    },
    async stop() {
      running = false;
      await loop;
      const c1 = await counters(conn);
      let statementTimes: LaunchProbeReport['statementTimes'] = [];
      if (statementLog) {
        await conn.query('SET GLOBAL slow_query_log = 0');
        const [rows] = await conn.query<RowDataPacket[]>(
          `SELECT LEFT(CONVERT(sql_text USING utf8mb4), 60) AS statement, COUNT(*) AS n,
                  SUM(TIME_TO_SEC(query_time)) * 1000 AS total_ms, MAX(TIME_TO_SEC(query_time)) * 1000 AS max_ms,
                  SUM(TIME_TO_SEC(lock_time)) * 1000 AS lock_ms
             FROM mysql.slow_log GROUP BY statement ORDER BY total_ms DESC LIMIT 25`,
        );
        statementTimes = rows.map((r) => ({
          statement: String(r.statement).replace(/\s+/g, ' '),
          n: Number(r.n),
          totalMs: Number(r.total_ms),
          maxMs: Number(r.max_ms),
          lockMs: Number(r.lock_ms),
        }));
      }
      conn.release();
      const self = process.cpuUsage(self0);
      const cpuMs: Record<string, number> = Object.fromEntries(
        Object.entries(pids).map(([k, pid]) => [k, cpuMsOf(pid) - cpu0[k]!]),
      );
      cpuMs.bench = (self.user + self.system) / 1000;
      return {
        samples,
        samplesWithWaits,
        waits: [...waits].map(([lock, w]) => ({ lock, ...w })).sort((a, b) => b.seen - a.seen),
        rowLockWaits: c1.rowLockWaits - c0.rowLockWaits,
        rowLockTimeMs: c1.rowLockTimeMs - c0.rowLockTimeMs,
        statements: c1.questions - c0.questions,
        maxThreadsRunning,
        samplesInBatch,
        batchSamples,
        maxBatchAgeMs,
        cpuMs,
        wallMs: Date.now() - t0,
        cpuWaitShare: (cpuPressureUs() - pressure0) / 1000 / (Date.now() - t0),
        statementTimes,
      };
    },
  };
}

/** Claim latencies in buckets (ms upper bounds), as `≤ 25: 812` cells. */
export function latencyHistogram(ms: number[]): string {
  const bounds = [10, 25, 50, 100, 200, 500, Infinity];
  const counts = bounds.map(() => 0);
  for (const v of ms) counts[bounds.findIndex((b) => v <= b)]!++;
  return bounds
    .map((b, i) => `${b === Infinity ? '> 500' : `≤ ${b}`}: ${counts[i]}`)
    .filter((_, i) => counts[i])
    .join(', ');
}
