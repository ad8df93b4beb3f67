#!/usr/bin/env node
// A throwaway nginx load balancer for tests (Debian's nginx): a generated config in a temp dir,
// listening on loopback, round robin over the given upstreams.
//
//   import { startNginx } from './nginx.mjs';
//   const lb = await startNginx({ upstreams: ['127.0.0.1:4001', '127.0.0.1:4002'] });
//   ...                                  // lb.url: 'http://127.0.0.1:PORT'
//   await lb.stop();
//
//   node scripts/nginx.mjs [--port=N] 127.0.0.1:4001 127.0.0.1:4002   // prints the URL, runs until Ctrl-C
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { freePort, runAsCli, sleep, watchdog } from './throwaway.mjs';

function findNginx() {
  for (const dir of [...(process.env.PATH ?? '').split(':'), '/usr/sbin', '/usr/local/sbin'])
    if (dir && existsSync(path.join(dir, 'nginx'))) return path.join(dir, 'nginx');
  return null;
}

const listening = (port) =>
  new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });

/** Everything nginx writes stays in `dir`; what the API needs from a proxy and nothing else. */
function config(dir, port, upstreams) {
  return `daemon off;
master_process off;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 2048; }
http {
  access_log off;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  client_max_body_size 1m;
  upstream allycard {
${upstreams.map((u) => `    server ${u} max_fails=0;`).join('\n')}
    keepalive 64;
  }
  server {
    listen 127.0.0.1:${port};
    location / {
      proxy_pass http://allycard;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $http_host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_read_timeout 60s;
    }
  }
}
`;
}

/**
 * @param {object} options
 * @param {string[]} options.upstreams  host:port of each server process
 * @param {number} [options.port]       where nginx listens (default: a free port)
 * @returns {Promise<{url: string, port: number, dir: string, pid: number, startMs: number, stop: () => Promise<void>}>}
 */
export async function startNginx({ upstreams, port: wanted, timeoutMs = 10_000 }) {
  const t0 = Date.now();
  const nginx = findNginx();
  if (!nginx) throw new Error('no nginx found (apt-get install nginx-light)');
  if (!upstreams?.length) throw new Error('startNginx needs at least one upstream');
  const port = wanted ?? (await freePort());
  const dir = mkdtempSync(path.join(os.tmpdir(), 'acnginx-'));
  writeFileSync(path.join(dir, 'nginx.conf'), config(dir, port, upstreams));
  const child = spawn(
    nginx,
    ['-p', dir, '-c', path.join(dir, 'nginx.conf'), '-e', path.join(dir, 'error.log')],
    {
      stdio: 'ignore',
    },
  );
  const exited = new Promise((r) => child.once('exit', () => r(true)));
  const guard = watchdog(child.pid, dir);
  const killNow = () => {
    child.kill('SIGKILL');
    guard.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  };
  process.once('exit', killNow);
  const deadline = Date.now() + timeoutMs;
  while (!(await listening(port))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      const log = existsSync(path.join(dir, 'error.log'))
        ? readFileSync(path.join(dir, 'error.log'), 'utf8')
        : '';
      process.removeListener('exit', killNow);
      killNow();
      throw new Error(`nginx did not start on port ${port}\n${log}`);
    }
    await sleep(30);
  }
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    process.removeListener('exit', killNow);
    if (child.exitCode === null) {
      child.kill('SIGQUIT'); // graceful: finishes open requests
      if (!(await Promise.race([exited, sleep(3000).then(() => null)]))) child.kill('SIGKILL');
    }
    guard.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  };
  return { url: `http://127.0.0.1:${port}`, port, dir, pid: child.pid, startMs: Date.now() - t0, stop };
}

// CLI: node scripts/nginx.mjs [--port=N] host:port…
const cli = process.argv.slice(2);
const portArg = cli.find((a) => a.startsWith('--port='));
await runAsCli(import.meta.url, 'nginx', () =>
  startNginx({
    upstreams: cli.filter((a) => a !== portArg),
    port: portArg ? Number(portArg.slice('--port='.length)) : undefined,
  }),
);
