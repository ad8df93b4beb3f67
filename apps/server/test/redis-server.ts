import { spawn } from 'node:child_process';
import * as path from 'node:path';

export interface TestRedis {
  url: string;
  /** Stops the server (and its temp dir): Redis going away under a running app. */
  stop(): Promise<void>;
}

/** A throwaway Redis from scripts/redis.mjs, in a child process that prints its URL. */
export function startRedis(): Promise<TestRedis> {
  const script = path.resolve(__dirname, '../../../scripts/redis.mjs');
  const child = spawn(process.execPath, [script], { stdio: ['ignore', 'pipe', 'pipe'] });
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
    void exited.then(() => reject(new Error(`scripts/redis.mjs exited: ${err}`)));
  });
}
