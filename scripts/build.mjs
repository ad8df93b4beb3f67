#!/usr/bin/env node
// Builds the workspace in dependency order with `pnpm --filter <pkg> build`.
//
//   node scripts/build.mjs --all       rebuild everything (what `pnpm build` runs)
//   node scripts/build.mjs --missing   build only what is missing or older than its sources (`pnpm start`)
//   add --clean to remove a TypeScript package's dist/ before building it (drops outputs of deleted files)
//
// A target is stale when its marker file is missing or older than the newest file under its inputs
// (src/, config files, and — for bundled apps — the markers of the workspace packages they bundle).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync, statSync, utimesSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const TSC_INPUTS = ['src', 'package.json', 'tsconfig.json', 'tsconfig.build.json'];

// In dependency order. `bundles`: workspace targets whose output ends up inside this one's output.
const TARGETS = [
  {
    name: '@allycard/domain',
    dir: 'packages/domain',
    marker: 'dist/index.js',
    inputs: TSC_INPUTS,
    clean: 'dist',
  },
  {
    name: '@allycard/contracts',
    dir: 'packages/contracts',
    // the JSON Schemas the server's API document is made of come last
    marker: 'dist/schemas.json',
    inputs: TSC_INPUTS,
    clean: 'dist',
  },
  {
    name: '@allycard/wechat-sandbox',
    dir: 'packages/wechat-sandbox',
    marker: 'dist/index.js',
    inputs: TSC_INPUTS,
    clean: 'dist',
  },
  { name: '@allycard/server', dir: 'apps/server', marker: 'dist/main.js', inputs: TSC_INPUTS, clean: 'dist' },
  {
    name: '@allycard/miniapp',
    dir: 'apps/miniapp',
    marker: 'dist/h5/index.html',
    inputs: [
      'src',
      'config',
      'package.json',
      'tsconfig.json',
      'babel.config.js',
      'project.config.json',
      'global.d.ts',
    ],
    bundles: ['@allycard/domain', '@allycard/contracts'],
  },
  {
    name: '@allycard/console',
    dir: 'apps/console',
    marker: 'dist/index.html',
    requires: 'src/main.tsx',
    inputs: [
      'src',
      'public',
      'index.html',
      'package.json',
      'tsconfig.json',
      'vite.config.ts',
      'vite.config.js',
    ],
    bundles: ['@allycard/contracts'],
  },
];

/** Newest mtime (ms) of a file or of any file below a directory (node_modules and dist skipped). */
function newest(p) {
  let st;
  try {
    st = statSync(p);
  } catch {
    return 0;
  }
  if (!st.isDirectory()) return st.mtimeMs;
  let max = 0;
  for (const e of readdirSync(p, { withFileTypes: true })) {
    if (e.name === 'node_modules' || e.name === 'dist' || e.name.startsWith('.')) continue;
    max = Math.max(max, newest(path.join(p, e.name)));
  }
  return max;
}

/** Whether a directory holds any source file that is not a test. */
const hasSources = (dir) =>
  existsSync(dir) &&
  readdirSync(dir, { withFileTypes: true }).some((e) =>
    e.isDirectory() ? hasSources(path.join(dir, e.name)) : !/[.-](test|spec)\.[cm]?[jt]sx?$/.test(e.name),
  );

export function build({ mode = 'missing', clean = false, log = console.log } = {}) {
  const byName = new Map(TARGETS.map((t) => [t.name, t]));
  const results = [];
  for (const t of TARGETS) {
    const dir = path.join(root, t.dir);
    const marker = path.join(dir, t.marker);
    if (
      !existsSync(path.join(dir, 'package.json')) ||
      (t.requires && !existsSync(path.join(dir, t.requires)))
    ) {
      if (t.requires && existsSync(path.join(dir, 'package.json')))
        log(`build: ${t.name}: no ${t.requires} yet, skipped`);
      results.push({ name: t.name, status: 'absent' });
      continue;
    }
    if (!hasSources(path.join(dir, 'src'))) {
      log(`build: ${t.name}: no sources yet, skipped`);
      results.push({ name: t.name, status: 'no-sources' });
      continue;
    }
    if (mode === 'missing') {
      const out = existsSync(marker) ? statSync(marker).mtimeMs : 0;
      const inputs = Math.max(
        ...t.inputs.map((i) => newest(path.join(dir, i))),
        ...(t.bundles ?? []).map((b) => newest(path.join(root, byName.get(b).dir, byName.get(b).marker))),
      );
      if (out && out >= inputs) {
        results.push({ name: t.name, status: 'fresh' });
        continue;
      }
    }
    if (clean && t.clean) rmSync(path.join(dir, t.clean), { recursive: true, force: true });
    log(`build: ${t.name} …`);
    const t0 = Date.now();
    const r = spawnSync('pnpm', ['--filter', t.name, 'run', 'build'], { cwd: root, stdio: 'inherit' });
    const secs = ((Date.now() - t0) / 1000).toFixed(1);
    if (r.status !== 0 || !existsSync(marker)) {
      const why = r.error
        ? r.error.message
        : r.status !== 0
          ? `exit ${r.status ?? r.signal}`
          : `no ${t.marker}`;
      log(`build: ${t.name} FAILED after ${secs}s (${why})`);
      results.push({ name: t.name, status: 'failed' });
      return { ok: false, results };
    }
    const now = new Date();
    utimesSync(marker, now, now); // tools may leave an unchanged output untouched: mark the build time
    log(`build: ${t.name} built in ${secs}s`);
    results.push({ name: t.name, status: 'built' });
  }
  return { ok: true, results };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const unknown = args.filter((a) => !['--all', '--missing', '--clean'].includes(a));
  if (unknown.length) {
    console.error(
      `usage: node scripts/build.mjs [--all | --missing] [--clean]  (unknown: ${unknown.join(' ')})`,
    );
    process.exit(2);
  }
  const t0 = Date.now();
  const { ok, results } = build({
    mode: args.includes('--missing') ? 'missing' : 'all',
    clean: args.includes('--clean'),
  });
  const built = results.filter((r) => r.status === 'built').map((r) => r.name);
  console.log(
    `build: ${ok ? 'done' : 'FAILED'} in ${((Date.now() - t0) / 1000).toFixed(1)}s; built: ${built.join(', ') || 'nothing (up to date)'}`,
  );
  process.exit(ok ? 0 : 1);
}
