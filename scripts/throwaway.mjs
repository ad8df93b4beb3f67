// What the throwaway test services (scripts/mariadb.mjs, scripts/redis.mjs, scripts/nginx.mjs) share.
import { spawn } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** A free TCP port on loopback. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer().once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** If this process dies without its exit handler (SIGKILL), a detached shell kills `pid` and removes `dir`. */
export function watchdog(pid, dir) {
  const child = spawn(
    'sh',
    [
      '-c',
      `while kill -0 ${process.pid} 2>/dev/null; do sleep 1; done; kill -9 ${pid} 2>/dev/null; rm -rf '${dir}'`,
    ],
    { stdio: 'ignore', detached: true },
  );
  child.unref();
  return child;
}

/**
 * When `moduleUrl` is the script node was started with: starts the service, prints its URL on stdout
 * and keeps it up until Ctrl-C / SIGTERM / SIGHUP.
 */
export async function runAsCli(moduleUrl, name, start) {
  if (!process.argv[1] || path.resolve(process.argv[1]) !== fileURLToPath(moduleUrl)) return;
  const service = await start();
  console.error(
    `${name} ready in ${service.startMs} ms (pid ${service.pid}, dir ${service.dir}); Ctrl-C to stop`,
  );
  console.log(service.url);
  const shutdown = async () => {
    await service.stop();
    process.exit(0);
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
  process.once('SIGHUP', shutdown);
  setInterval(() => {}, 1 << 30); // keep the event loop alive
  return service;
}
