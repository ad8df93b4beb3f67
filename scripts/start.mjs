#!/usr/bin/env node
// `pnpm start`: build what is missing, then run the server with the contract's defaults
// (PORT 3000, DATABASE_URL sqlite:./data/allycard.sqlite, WECHAT_MODE sandbox, SEED_DEMO true, HOST
// 127.0.0.1 so only this machine reaches the sandbox — the server applies them itself). Environment,
// signals and the exit code pass straight through.
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from './build.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
process.chdir(root); // relative defaults such as ./data resolve against the repository root

if (!build({ mode: 'missing' }).ok) {
  console.error('start: build failed, not starting the server');
  process.exit(1);
}
mkdirSync(path.join(root, 'data'), { recursive: true });

const server = spawn(
  process.execPath,
  [path.join(root, 'apps/server/dist/main.js'), ...process.argv.slice(2)],
  {
    cwd: root,
    env: process.env,
    stdio: 'inherit',
  },
);
const forward = (sig) => () => server.exitCode === null && server.kill(sig);
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGUSR2']) process.on(sig, forward(sig));
server.on('error', (e) => {
  console.error(`start: cannot run the server: ${e.message}`);
  process.exit(1);
});
server.on('exit', (code, signal) => {
  if (signal) {
    // Die the same way so a supervisor sees what happened (handlers removed: default action applies).
    for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGUSR2']) process.removeAllListeners(sig);
    process.kill(process.pid, signal);
  } else process.exit(code ?? 1);
});
