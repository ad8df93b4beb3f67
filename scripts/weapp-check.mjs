#!/usr/bin/env node
// Checks the WeChat build (apps/miniapp/dist/weapp) the way WeChat's upload would: every page that
// app.json names exists (.js, .wxml, .json), and the main package and each sub-package stay under
// WeChat's 2 MB limit (the main package under our own 1 MB budget). Prints `weapp: N passed, N failed`.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '..',
  'apps',
  'miniapp',
  'dist',
  'weapp',
);
const MB = 1024 * 1024;
const results = [];
const check = (name, ok, detail) => {
  results.push(ok);
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${name}${detail ? ` — ${detail}` : ''}`);
};

function size(p, skip = new Set()) {
  const st = statSync(p);
  if (!st.isDirectory()) return st.size;
  let total = 0;
  for (const e of readdirSync(p)) {
    const child = path.join(p, e);
    if (!skip.has(path.relative(root, child))) total += size(child, skip);
  }
  return total;
}

if (!existsSync(path.join(root, 'app.json'))) {
  check('dist/weapp/app.json exists', false, 'run `pnpm --filter @allycard/miniapp build:weapp` first');
} else {
  const app = JSON.parse(readFileSync(path.join(root, 'app.json'), 'utf8'));
  const subPackages = app.subPackages ?? app.subpackages ?? [];
  const pages = [
    ...app.pages,
    ...subPackages.flatMap((s) => s.pages.map((p) => `${s.root.replace(/\/$/, '')}/${p}`)),
  ];
  const missing = pages.filter((p) =>
    ['.js', '.wxml', '.json'].some((ext) => !existsSync(path.join(root, p + ext))),
  );
  check(`all ${pages.length} pages of app.json are built`, missing.length === 0, missing.join(', '));
  const roots = new Set(subPackages.map((s) => s.root.replace(/\/$/, '')));
  const main = size(root, roots);
  check('main package ≤ 1 MB (WeChat allows 2 MB)', main <= MB, `${(main / 1024).toFixed(0)} KB`);
  for (const r of roots) {
    const s = size(path.join(root, r));
    check(`sub-package ${r} ≤ 2 MB`, s <= 2 * MB, `${(s / 1024).toFixed(0)} KB`);
  }
  const total = size(root);
  check('whole package ≤ 20 MB', total <= 20 * MB, `${(total / 1024).toFixed(0)} KB`);
}
const passed = results.filter(Boolean).length;
console.log(`weapp: ${passed} passed, ${results.length - passed} failed`);
process.exit(passed === results.length ? 0 : 1);
