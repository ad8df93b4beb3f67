// The report writer: Markdown tables, number formats, the machine section, and RESULTS.md formatted as
// `pnpm lint` expects (Prettier's aligned tables).
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { repoRoot } from './settings.js';
import type { Pooled } from './stats.js';

/** A number with `digits` decimals; – for none. */
export function fmt(v: number | null | undefined, digits = 0): string {
  return v === null || v === undefined || Number.isNaN(v) ? '–' : v.toFixed(digits);
}

/** A column: its title and whether it holds numbers (right-aligned). */
export type Column = [title: string, numeric?: 'num'];

export function table(columns: Column[], rows: string[][]): string[] {
  return [
    `| ${columns.map(([title]) => title).join(' | ')} |`,
    `| ${columns.map(([, numeric]) => (numeric ? '---:' : '---')).join(' | ')} |`,
    ...rows.map((cells) => `| ${cells.join(' | ')} |`),
  ];
}

/** `0.171 (5.8× slower)` against the baseline row; `baseline` for a baseline; – without one. */
export function ratioCell(row: Pooled, base: Pooled | undefined, isBaseline: boolean): string {
  if (!base) return isBaseline ? 'baseline' : '–';
  const ratio = row.reqPerS / base.reqPerS;
  return `${fmt(ratio, 3)} (${fmt(1 / ratio, 1)}× slower)`;
}

export const perRound = (r: Pooled) => r.roundReqPerS.map((v) => fmt(v)).join(', ');

export const codesCell = (codes: Record<string, number>) =>
  Object.entries(codes)
    .map(([c, n]) => `${c}: ${n}`)
    .join(', ');

/** The cost columns every scenario table shares (after the scenario's own). */
export const COST_COLUMNS: Column[] = [
  ['SQL statements', 'num'],
  ['server CPU ms (Node)', 'num'],
  ['MariaDB CPU ms', 'num'],
  ['bench client CPU ms', 'num'],
];
export const costCells = (r: Pooled) => [
  fmt(r.statementsPerReq, 1),
  fmt(r.cpuPerReq.server, 3),
  fmt(r.cpuPerReq.db, 3),
  fmt(r.cpuPerReq.bench, 3),
];

export const COST_HEADING = '### Cost per request: SQL statements and CPU ms (Linux /proc, whole processes)';

/** `**problem; problem**`, or ok. */
export const checkCell = (problems: string[]) => (problems.length ? `**${problems.join('; ')}**` : 'ok');

function shell(cmd: string, args: string[]): string | null {
  try {
    return execFileSync(cmd, args, {
      cwd: repoRoot,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trimEnd();
  } catch {
    return null;
  }
}

export interface RunFacts {
  command: string;
  settings: string;
  members: string;
  mariadb: string;
  loadAtStart: number;
}

export function machineSection(facts: RunFacts): string[] {
  const head = shell('git', ['rev-parse', '--short', 'HEAD']);
  const dirty = shell('git', ['status', '--porcelain', 'apps/server']);
  const memory = shell('free', ['-h']) ?? `${(os.totalmem() / 2 ** 30).toFixed(1)} GiB total`;
  return [
    '## Machine and run',
    '',
    `- date: ${new Date().toISOString()}`,
    `- command: \`${facts.command}\``,
    `- settings: ${facts.settings}`,
    `- members: ${facts.members}`,
    `- CPUs: ${os.availableParallelism()} (nproc) — ${os.cpus()[0]?.model ?? '?'}`,
    `- node: ${process.version}; MariaDB: ${facts.mariadb}; OS: ${os.type()} ${os.release()}`,
    `- load average (1 min): ${facts.loadAtStart.toFixed(2)} at the start, ${os.loadavg()[0]?.toFixed(2)} at the end`,
    `- git: ${head ? `${head}${dirty ? ' (apps/server has uncommitted changes)' : ''}` : 'unknown'}`,
    '- client, server and MariaDB share this machine (loopback only), so they compete for the same CPUs.',
    '',
    '`free -h`:',
    '',
    '```',
    memory,
    '```',
    '',
  ];
}

/** Writes the report formatted by Prettier (as `pnpm lint` checks it); unformatted without Prettier. */
export async function writeReport(file: string, markdown: string): Promise<string> {
  let text = markdown;
  try {
    const prettier = await import('prettier');
    const options = (await prettier.resolveConfig(file)) ?? {};
    text = await prettier.format(markdown, { ...options, filepath: file });
  } catch {
    // Prettier absent: the tables are still valid Markdown
  }
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text);
  return text;
}
