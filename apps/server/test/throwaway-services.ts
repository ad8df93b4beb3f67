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

/** nginx on loopback `port`, round robin over `upstreams` (host:port). */
export const startNginx = (port: number, upstreams: string[]) =>
  startService('nginx.mjs', [`--port=${port}`, ...upstreams]);
