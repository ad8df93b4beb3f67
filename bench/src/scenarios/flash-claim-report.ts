// The flash-claim section of RESULTS.md.
import {
  checkCell,
  codesCell,
  COST_COLUMNS,
  COST_HEADING,
  costCells,
  fmt,
  perRound,
  ratioCell,
  table,
} from '../lib/report.js';
import type { ClaimRow } from './flash-claim.js';

export function flashReport(rows: ClaimRow[], rounds: number, warm: number): string[] {
  const baseOf = (r: ClaimRow) => rows.find((b) => b.shape.key === r.shape.base);
  return [
    '## Flash claim: many members claiming coupons at once',
    '',
    ...table(
      [
        ['scenario'],
        ['requests', 'num'],
        ['ok', 'num'],
        ['rejected', 'num'],
        ['errors', 'num'],
        ['wall s', 'num'],
        ['req/s', 'num'],
        ['req/s per round'],
        ['ok/s', 'num'],
        ['ok p50 ms', 'num'],
        ['ok p90 ms', 'num'],
        ['ok p99 ms', 'num'],
        ['rejected p50 ms', 'num'],
        ['rejected p90 ms', 'num'],
        ['rejected p99 ms', 'num'],
        ['ratio to baseline', 'num'],
        ['oversold'],
      ],
      rows.map((r) => [
        `${r.shape.name}${r.timedOut ? ' (deadline)' : ''}`,
        String(r.requests),
        String(r.ok),
        String(r.rejected),
        String(r.errors),
        fmt(r.wallS, 2),
        fmt(r.reqPerS),
        perRound(r),
        fmt(r.okPerS),
        fmt(r.okP50, 1),
        fmt(r.okP90, 1),
        fmt(r.okP99, 1),
        fmt(r.rejP50, 1),
        fmt(r.rejP90, 1),
        fmt(r.rejP99, 1),
        ratioCell(r, baseOf(r), r.shape.side === 'baseline'),
        r.oversold ? '**YES**' : 'no',
      ]),
    ),
    '',
    `${rounds} interleaved rounds per scenario (in each round the baselines, then the HTTP scenarios), ` +
      'pooled: req/s = all requests ÷ all wall time, percentiles over all answers. Ratio = HTTP req/s ÷ ' +
      `baseline req/s of the same stock shape, both measured in this run. Warm-up: ${warm} claims per side, not reported.`,
    '',
    '### Correctness afterwards (from the database; one template per round)',
    '',
    ...table(
      [
        ['scenario'],
        ['stock', 'num'],
        ['issued', 'num'],
        ['coupons', 'num'],
        ['max per member', 'num'],
        ['answers'],
        ['check'],
      ],
      rows.map((r) => [
        r.shape.name,
        r.checks.map((c) => c.stock).join(', '),
        r.checks.map((c) => c.issued).join(', '),
        r.checks.map((c) => c.coupons).join(', '),
        String(Math.max(...r.checks.map((c) => c.maxPer))),
        codesCell(r.codes),
        checkCell(r.problems),
      ]),
    ),
    '',
    COST_HEADING,
    '',
    ...table(
      [['scenario'], ...COST_COLUMNS],
      rows.map((r) => [r.shape.name, ...costCells(r)]),
    ),
    '',
  ];
}
