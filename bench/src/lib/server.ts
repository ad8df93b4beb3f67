// The server under test: apps/server/dist/main.js (the build that is there; the bench script builds
// it only when it is missing) on a free loopback port, against the benchmark's database.
import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { httpClient } from './http.js';
import { serverDir } from './settings.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const START_TIMEOUT_MS = 60_000;
const OUTPUT_LINES_KEPT = 200;

export interface RunningServer {
  port: number;
  pid: number;
  /** What the server wrote (LOG_LEVEL=warn: warnings and errors), the last lines. */
  output: string[];
  stop(): Promise<void>;
}

function newestMtime(p: string): number {
  const st = statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  let max = 0;
  for (const e of readdirSync(p)) max = Math.max(max, newestMtime(path.join(p, e)));
  return max;
}

/** The benchmark measures the build that is there: say so when the sources have moved on. */
export function staleBuildWarning(): string | null {
  const main = path.join(serverDir, 'dist', 'main.js');
  return newestMtime(path.join(serverDir, 'src')) > statSync(main).mtimeMs
    ? 'apps/server/src is newer than dist/main.js — benchmarking the last build (pnpm build to refresh)'
    : null;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer().once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** `env` overrides the defaults below, e.g. `{ JOBS: 'on' }` for a worker replica on the same database. */
export async function startServer(
  databaseUrl: string,
  nodeArgs: string[],
  env: Record<string, string> = {},
): Promise<RunningServer> {
  const port = await freePort();
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
      // the production limits: the run is sized to stay under them
      RATE_LIMIT_SCALE: '1',
      PUBLIC_URL: `http://127.0.0.1:${port}`,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  const keep = (chunk: Buffer) => {
    output.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    if (output.length > OUTPUT_LINES_KEPT) output.splice(0, output.length - OUTPUT_LINES_KEPT);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exited = new Promise<{ code: number | null; signal: string | null }>((r) =>
    child.once('exit', (code, signal) => r({ code, signal })),
  );
  const running = () => child.exitCode === null && child.signalCode === null;
  const killNow = () => running() && child.kill('SIGKILL');
  process.once('exit', killNow);
  const stop = async () => {
    process.removeListener('exit', killNow);
    if (!running()) return;
    child.kill('SIGTERM');
    if (!(await Promise.race([exited, sleep(5000).then(() => null)]))) {
      child.kill('SIGKILL');
      await exited;
    }
  };

  const probe = httpClient(port, 1, 5000);
  const deadline = Date.now() + START_TIMEOUT_MS;
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
        throw new Error(
          `server not ready after ${START_TIMEOUT_MS / 1000} s:\n${output.slice(-30).join('\n')}`,
        );
    }
  } catch (e) {
    await stop();
    throw e;
  } finally {
    probe.close();
  }
  return { port, pid: child.pid ?? 0, output, stop };
}

/** The server's log lines (JSON from pino), counted by message: a summary for stderr. */
export function summarizeOutput(output: string[]): string[] {
  const brief = (line: string) => {
    try {
      const j = JSON.parse(line) as {
        level?: number;
        req?: { method: string; url: string };
        context?: string;
        msg?: string;
        err?: { message?: string };
      };
      const where = j.req ? `${j.req.method} ${j.req.url} ` : '';
      return `level ${j.level} ${where}${j.context ?? ''}: ${String(j.msg ?? j.err?.message ?? '')}`;
    } catch {
      return line;
    }
  };
  const counts = new Map<string, number>();
  for (const line of output) {
    const key = brief(line).slice(0, 120);
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts].slice(0, 10).map(([line, n]) => `${n} × ${line}`);
}
