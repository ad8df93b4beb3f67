// Statistics of a run: counts, answer codes, req/s, latency percentiles, cost per request.
import type { CpuMs, Outcome, Run } from './types.js';

/** The nearest-rank percentile; null for no values. */
export function percentile(values: number[], p: number): number | null {
  if (!values.length) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? null;
}

export interface Summary {
  requests: number;
  ok: number;
  rejected: number;
  errors: number;
  /** How many answers of each code. */
  codes: Record<string, number>;
  wallS: number;
  reqPerS: number;
  okPerS: number;
  okP50: number | null;
  okP90: number | null;
  okP99: number | null;
  rejP50: number | null;
  rejP90: number | null;
  rejP99: number | null;
  timedOut: boolean;
  cpuPerReq: CpuMs;
  firstErrors: string[];
}

export function countCodes(results: Outcome[]): Record<string, number> {
  const codes: Record<string, number> = {};
  for (const r of results) codes[r.code] = (codes[r.code] ?? 0) + 1;
  return codes;
}

export function summarize(run: Run, cpu: CpuMs): Summary {
  const of = (o: Outcome['outcome']) => run.results.filter((r) => r.outcome === o);
  const [ok, rejected, errors] = [of('ok'), of('rejected'), of('error')];
  const pct = (list: Outcome[], p: number) =>
    percentile(
      list.map((r) => r.ms),
      p,
    );
  const n = run.results.length;
  return {
    requests: n,
    ok: ok.length,
    rejected: rejected.length,
    errors: errors.length,
    codes: countCodes(run.results),
    wallS: run.wallS,
    reqPerS: n / run.wallS,
    okPerS: ok.length / run.wallS,
    okP50: pct(ok, 50),
    okP90: pct(ok, 90),
    okP99: pct(ok, 99),
    rejP50: pct(rejected, 50),
    rejP90: pct(rejected, 90),
    rejP99: pct(rejected, 99),
    timedOut: run.timedOut,
    cpuPerReq: { server: cpu.server / n, db: cpu.db / n, bench: cpu.bench / n },
    firstErrors: errors.slice(0, 3).map((e) => e.detail ?? e.code),
  };
}

/** One round of one scenario as measured. */
export interface Measured {
  run: Run;
  cpu: CpuMs;
  /** SQL statements MariaDB received during it. */
  statements: number;
  summary: Summary;
}

/** A table row: all rounds of a scenario together (req/s = all requests ÷ all wall time). */
export interface Pooled extends Summary {
  roundReqPerS: number[];
  statementsPerReq: number;
}

export function pool(rounds: Measured[]): Pooled {
  const run: Run = {
    results: rounds.flatMap((r) => r.run.results),
    wallS: rounds.reduce((a, r) => a + r.run.wallS, 0),
    timedOut: rounds.some((r) => r.run.timedOut),
  };
  const sum = (k: keyof CpuMs) => rounds.reduce((a, r) => a + r.cpu[k], 0);
  const s = summarize(run, { server: sum('server'), db: sum('db'), bench: sum('bench') });
  return {
    ...s,
    roundReqPerS: rounds.map((r) => r.summary.reqPerS),
    statementsPerReq: rounds.reduce((a, r) => a + r.statements, 0) / s.requests,
  };
}
