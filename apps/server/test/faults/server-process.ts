import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

/** A free TCP port on loopback (so a restarted server can take the same one). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer().once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

export interface ServerProcess {
  baseUrl: string;
  port: number;
  pid: number;
  /** Sends a signal (SIGKILL for a crash) and resolves when the process is gone. */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** Resolves with the exit code or signal once the process has exited. */
  wait(): Promise<number | string | null>;
  logTail(lines?: number): string;
}

const serverRoot = path.resolve(__dirname, '../..');

/**
 * The real server as a separate OS process, from source (see register-ts.js), on `port` (a free one
 * when absent), in test mode without demo data or jobs unless `env` says otherwise. Resolves once
 * GET /api/v1/health answers 200. Crash tests SIGKILL it and start another on the same database.
 */
export async function startServerProcess(options: {
  databaseUrl: string;
  env?: Record<string, string>;
  port?: number;
  timeoutMs?: number;
}): Promise<ServerProcess> {
  const port = options.port ?? (await freePort());
  const baseUrl = `http://127.0.0.1:${port}`;
  const logFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'allycard-proc-')), 'server.log');
  const log = fs.openSync(logFile, 'a');
  const child = spawn(process.execPath, ['-r', path.join(__dirname, 'register-ts.js'), 'src/main.ts'], {
    cwd: serverRoot,
    stdio: ['ignore', log, log],
    env: {
      ...process.env,
      NODE_ENV: 'test',
      PORT: String(port),
      PUBLIC_URL: baseUrl,
      DATABASE_URL: options.databaseUrl,
      SEED_DEMO: 'false',
      WECHAT_MODE: 'sandbox',
      JOBS: 'off',
      LOG_LEVEL: 'warn',
      MINIAPP_H5_DIR: '/nonexistent',
      CONSOLE_DIR: '/nonexistent',
      ...options.env,
    },
  });
  fs.closeSync(log);
  const exited = new Promise<number | string | null>((resolve) =>
    child.once('exit', (code, signal) => resolve(signal ?? code)),
  );
  const alive = () => child.exitCode === null && child.signalCode === null;
  const logTail = (lines = 40) =>
    fs.readFileSync(logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  const handle: ServerProcess = {
    baseUrl,
    port,
    pid: child.pid!,
    wait: () => exited,
    kill: async (signal = 'SIGKILL') => {
      if (alive()) child.kill(signal);
      await exited;
    },
    logTail,
  };

  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  for (;;) {
    const status = await fetch(`${baseUrl}/api/v1/health`, { signal: AbortSignal.timeout(2000) })
      .then((r) => r.status)
      .catch(() => 0);
    if (status === 200) return handle;
    if (!alive() || Date.now() > deadline) {
      await handle.kill();
      throw new Error(`server did not become healthy (last status ${status})\n--- log ---\n${logTail()}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}
