import { spawn } from 'node:child_process';
import * as path from 'node:path';

export interface ThrowawayService {
  url: string;
  /** Stops the service and removes its temp dir (Redis going away under a running app, say). */
  stop(): Promise<void>;
}

/**
 * One of scripts/{redis,nginx}.mjs in a child process, which prints the service's URL once it is up
 * (they are ES modules, which jest's CommonJS cannot import).
 */
function startService(script: string, args: string[] = []): Promise<ThrowawayService> {
  const file = path.resolve(__dirname, '../../../scripts', script);
  const child = spawn(process.execPath, [file, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let err = '';
  child.stderr.on('data', (b) => (err += b));
  return new Promise((resolve, reject) => {
    child.stdout.once('data', (b: Buffer) =>
      resolve({
        url: b.toString().trim(),
        stop: async () => {
          if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
          await exited;
        },
      }),
    );
    void exited.then(() => reject(new Error(`scripts/${script} exited: ${err}`)));
  });
}

export const startRedis = () => startService('redis.mjs');

/**
 * A MariaDB of the test's own that it can take down: `outage(ms, onDown)` shuts it down, calls
 * `onDown` once it is down, keeps it down `ms`, then starts it again.
 */
export async function startOwnMariaDB(): Promise<
  ThrowawayService & { outage(ms: number, onDown?: () => void): Promise<void> }
> {
  const file = path.resolve(__dirname, '../../../scripts/mariadb.mjs');
  const child = spawn(process.execPath, [file], { stdio: ['pipe', 'pipe', 'pipe'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let out = '';
  let err = '';
  child.stdout.on('data', (b) => (out += b));
  child.stderr.on('data', (b) => (err += b));
  const line = async (pattern: RegExp, timeoutMs: number) => {
    for (const deadline = Date.now() + timeoutMs; Date.now() < deadline;) {
      const found = out.split('\n').find((l) => pattern.test(l));
      if (found) return found.trim();
      if (child.exitCode !== null) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`scripts/mariadb.mjs: no ${pattern} (${err.slice(-500)})`);
  };
  const url = await line(/^mysql:\/\//, 60_000);
  return {
    url,
    outage: async (ms, onDown) => {
      out = '';
      child.stdin.write(`outage ${ms}\n`);
      await line(/^down$/, 60_000);
      onDown?.();
      await line(/^back$/, ms + 60_000);
    },
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

/** nginx on loopback `port`, round robin over `upstreams` (host:port). */
export const startNginx = (port: number, upstreams: string[]) =>
  startService('nginx.mjs', [`--port=${port}`, ...upstreams]);
