// The shapes shared by the runner, the library and the scenarios.
import type { Pool } from 'mysql2/promise';
import type { ApiClient, HttpClient } from './http.js';
import type { Meter } from './measure.js';
import type { Settings } from './settings.js';

/** One request (or one baseline operation): how it ended, how long it took, its answer code. */
export interface Outcome {
  outcome: 'ok' | 'rejected' | 'error';
  ms: number;
  code: string;
  detail?: string;
}

/** A batch of operations: what came back and the wall time from the first start to the last answer. */
export interface Run {
  results: Outcome[];
  wallS: number;
  timedOut: boolean;
}

export interface CpuMs {
  server: number;
  db: number;
  bench: number;
}

/** A member created for the run, with the token the mini-program would hold. */
export interface BenchMember {
  memberId: string;
  token: string;
  openid: string;
}

/** What every scenario gets: one server, one database, the members, the settings. */
export interface BenchContext {
  settings: Settings;
  /** Requests to the server by path (`/sandbox/...`, `/api/v1/...`). */
  http: HttpClient;
  /** Requests to `/api/v1` + path. */
  api: ApiClient;
  /** mysql2 pool on the server's database, as large as the server's pool (the baselines use it). */
  pool: Pool;
  /** The server's database URL (for a second, job-running server on it). */
  databaseUrl: string;
  meter: Meter;
  /** the server process (its /proc status) and port */
  serverPid: number;
  serverPort: number;
  members: BenchMember[];
  adminToken: string;
  /** Logs the admin in again: a fresh token for a read after a long step. */
  adminLogin: () => Promise<string>;
  allianceId: string;
  /** Distinguishes this run's names and ids. */
  runId: string;
  log: (...parts: unknown[]) => void;
}

/** A scenario's part of RESULTS.md and what went wrong, if anything (a non-empty list fails the run). */
export interface ScenarioReport {
  markdown: string;
  problems: string[];
}

/**
 * One benchmark. The runner calls setup once, then, in each of `state.rounds` rounds, baseline and
 * run (so a noisy moment on a shared machine hits both sides), then verify once.
 */
export interface Scenario<S extends { rounds: number } = { rounds: number }> {
  /** The name on the command line: `pnpm bench <name>`. */
  name: string;
  setup(ctx: BenchContext): Promise<S>;
  baseline(state: S, round: number): Promise<void>;
  run(state: S, round: number): Promise<void>;
  verify(state: S): Promise<ScenarioReport>;
}
