#!/usr/bin/env node
// A throwaway Redis for tests, started from the local binary (Debian's redis-server): no Docker, no systemd.
//
//   import { startRedis } from './redis.mjs';
//   const redis = await startRedis();   // { url: 'redis://127.0.0.1:PORT', ... }
//   ...
//   await redis.stop();                 // shuts the server down and removes its temp dir
//
//   node scripts/redis.mjs              // prints the URL, runs until Ctrl-C / SIGTERM
//
// No persistence (nothing is worth keeping); the temp dir holds the log. The server is killed when
// stop() is called, when this process exits, and — through a tiny watchdog — even after a SIGKILL.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { freePort, runAsCli, sleep, watchdog } from './throwaway.mjs';

function which(name) {
  for (const dir of [...(process.env.PATH ?? '').split(':'), '/usr/sbin', '/usr/local/bin'])
    if (dir && existsSync(path.join(dir, name))) return path.join(dir, name);
  return null;
}

/** True when the server on `port` answers PING. */
function ping(port) {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    const done = (ok) => (socket.destroy(), resolve(ok));
    socket.setTimeout(500, () => done(false));
    socket.once('error', () => done(false));
    socket.once('data', (b) => done(b.toString().startsWith('+PONG')));
    socket.write('PING\r\n');
  });
}

/**
 * @param {object} [options]
 * @param {number} [options.port]       TCP port (default: a free one)
 * @param {number} [options.timeoutMs]  how long to wait for the server (default 10000)
 * @returns {Promise<{url: string, port: number, dir: string, pid: number, startMs: number, stop: () => Promise<void>}>}
 */
export async function startRedis(options = {}) {
  const t0 = Date.now();
  const server = which('redis-server');
  if (!server) throw new Error('no redis-server found (apt-get install redis-server)');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'acredis-'));
  const logFile = path.join(dir, 'redis.log');
  const logTail = () => {
    try {
      return readFileSync(logFile, 'utf8').split('\n').slice(-15).join('\n');
    } catch {
      return '(no log)';
    }
  };

  for (let attempt = 0; ; attempt++) {
    const port = options.port ?? (await freePort());
    const child = spawn(
      server,
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--dir',
        dir,
        '--logfile',
        logFile,
        '--save',
        '',
        '--appendonly',
        'no',
        '--daemonize',
        'no',
      ],
      { stdio: 'ignore' },
    );
    const exited = new Promise((r) => child.once('exit', (code, sig) => r({ code, sig })));
    const killNow = () => {
      try {
        child.kill('SIGKILL');
      } catch {
        /* ignore */
      }
      rmSync(dir, { recursive: true, force: true });
    };
    const deadline = Date.now() + (options.timeoutMs ?? 10_000);
    let ready = false;
    while (!ready) {
      if (await Promise.race([exited, sleep(30).then(() => null)])) break;
      ready = await ping(port);
      if (!ready && Date.now() > deadline) {
        killNow();
        throw new Error(`redis-server not ready after ${options.timeoutMs ?? 10_000} ms\n${logTail()}`);
      }
    }
    if (!ready) {
      if (/address already in use/i.test(logTail()) && options.port === undefined && attempt < 5) continue;
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`redis-server exited during start-up\n${logTail()}`);
    }
    process.once('exit', killNow);
    const guard = watchdog(child.pid, dir);
    let stopped = false;
    const stop = async () => {
      if (stopped) return;
      stopped = true;
      process.removeListener('exit', killNow);
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        if (!(await Promise.race([exited, sleep(3000).then(() => null)]))) {
          child.kill('SIGKILL');
          await exited;
        }
      }
      try {
        guard.kill('SIGKILL');
      } catch {
        /* ignore */
      }
      rmSync(dir, { recursive: true, force: true });
    };
    return { url: `redis://127.0.0.1:${port}`, port, dir, pid: child.pid, startMs: Date.now() - t0, stop };
  }
}

await runAsCli(import.meta.url, 'Redis', startRedis);
