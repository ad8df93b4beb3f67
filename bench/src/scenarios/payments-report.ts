// The payments section of RESULTS.md, and the crypto micro-costs it shows.
import {
  decryptResource,
  signMessage,
  verifyMessage,
  type WechatPayNotification,
} from '@allycard/wechat-sandbox';
import type { KeyObject } from 'node:crypto';
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
import type { Pooled } from '../lib/stats.js';
import type { CraftedNotification, PayableOrder, PayKeyRing } from '../lib/wechat-pay.js';
import type { PaySizes } from './payments-tasks.js';
import type { OrderCounts } from './payments-sql.js';

export type PayKey =
  | 'createSql'
  | 'createHttp'
  | 'notifyCrypto'
  | 'notifySql'
  | 'notifySqlCrypto'
  | 'notifyHttp'
  | 'dupSql'
  | 'dupHttp'
  | 'raceHttp'
  | 'sandboxConfirm'
  | 'sandboxRedeliver';

export interface PayScenario {
  key: PayKey;
  group: 'create' | 'notify' | 'dup' | 'race' | 'sandbox';
  /** part: a piece of a baseline, shown without a ratio */
  kind: 'baseline' | 'part' | 'http';
  name: string;
  base?: PayKey;
}

/** In the table's order. */
export const PAY_SCENARIOS: PayScenario[] = [
  { key: 'createSql', group: 'create', kind: 'baseline', name: 'baseline: sign prepay + INSERT order' },
  {
    key: 'createHttp',
    group: 'create',
    kind: 'http',
    name: 'HTTP POST /orders (+ sandbox prepay)',
    base: 'createSql',
  },
  {
    key: 'notifyCrypto',
    group: 'notify',
    kind: 'part',
    name: 'baseline part: crypto only (loop, 1 at a time)',
  },
  { key: 'notifySql', group: 'notify', kind: 'part', name: 'baseline part: apply SQL only' },
  { key: 'notifySqlCrypto', group: 'notify', kind: 'baseline', name: 'baseline: crypto + apply SQL' },
  {
    key: 'notifyHttp',
    group: 'notify',
    kind: 'http',
    name: 'HTTP notify, first delivery',
    base: 'notifySqlCrypto',
  },
  { key: 'dupSql', group: 'dup', kind: 'baseline', name: 'baseline: crypto + SELECT status' },
  { key: 'dupHttp', group: 'dup', kind: 'http', name: 'HTTP notify, duplicate', base: 'dupSql' },
  { key: 'raceHttp', group: 'race', kind: 'http', name: 'HTTP notify, 3 copies of each at once' },
  { key: 'sandboxConfirm', group: 'sandbox', kind: 'http', name: 'sandbox /confirm → notify (end to end)' },
  {
    key: 'sandboxRedeliver',
    group: 'sandbox',
    kind: 'http',
    name: 'sandbox /redeliver → notify (duplicate)',
  },
];

export interface PayRow extends Pooled {
  scenario: PayScenario;
}

/** Microseconds per operation in this process (what the scenarios are made of). */
export function cryptoCosts(
  ring: PayKeyRing,
  merchantKey: KeyObject,
  merchantKeyPem: string,
  craft: (o: PayableOrder) => CraftedNotification,
): [string, number][] {
  const per = (n: number, fn: (i: number) => unknown) => {
    fn(0);
    const s = process.hrtime.bigint();
    for (let i = 0; i < n; i++) fn(i);
    return Number(process.hrtime.bigint() - s) / 1e3 / n;
  };
  const msg = 'POST\n/v3/pay/transactions/jsapi\n1700000000\nabcdef\n{"amount":{"total":1000}}\n';
  const sig = signMessage(ring.platformPrivate, msg);
  const note = craft({ outTradeNo: 'AC20260101000000000000', payableFen: 1000, memberId: '0' });
  const resource = (JSON.parse(note.body) as WechatPayNotification).resource;
  return [
    [
      'RSA-SHA256 sign, key passed as a PEM string (as wechatpay-node-v3 does: Authorization and paySign)',
      per(100, (i) => signMessage(merchantKeyPem, msg + i)),
    ],
    [
      'RSA-SHA256 sign, key parsed once (KeyObject; the baseline, the sandbox)',
      per(100, (i) => signMessage(merchantKey, msg + i)),
    ],
    [
      'RSA-SHA256 verify (notification signature, answer signature)',
      per(1000, () => verifyMessage(ring.platformPublic, msg, sig)),
    ],
    [
      'AES-256-GCM decrypt + JSON.parse of a transaction resource',
      per(1000, () => JSON.parse(decryptResource(ring.keys.apiV3Key, resource))),
    ],
  ];
}

export interface PaymentsFacts {
  rows: PayRow[];
  counts: OrderCounts;
  dupChanges: string[];
  problems: string[];
  micro: [string, number][];
  sizes: PaySizes;
  members: number;
  merchantBits: number;
  cold: { n: number; codes: Record<string, number> };
}

export function paymentsReport(f: PaymentsFacts): string[] {
  const { rows, sizes: z, counts: c } = f;
  const baseOf = (r: PayRow) => rows.find((b) => b.scenario.key === r.scenario.base);
  const name = (r: PayRow) => `${r.scenario.name}${r.timedOut ? ' (deadline)' : ''}`;
  const digits = (r: PayRow) => (r.scenario.key === 'notifyCrypto' ? 3 : 1);
  return [
    '## Payments: order creation and WeChat Pay notifications',
    '',
    `${z.rounds} interleaved rounds of ${z.orders} orders per scenario (in each round the baselines, then HTTP; orders spread over ${f.members} members, ${z.merchants} merchants), ` +
      `${z.concurrency} in flight (the crypto loop: one at a time). Once, after the rounds: the race (${z.sample} fresh orders, each notification posted 3 times at once, ${z.concurrency} in flight) and the sandbox rows (${z.sample} fresh orders, ${z.sampleConcurrency} in flight). ` +
      `Warm-up: ${z.warmup} orders through every path, not reported. Ratio = HTTP req/s ÷ the baseline req/s of its group, both measured in this run.`,
    '',
    ...table(
      [
        ['group'],
        ['scenario'],
        ['requests', 'num'],
        ['errors', 'num'],
        ['wall s', 'num'],
        ['req/s', 'num'],
        ['req/s per round'],
        ['p50 ms', 'num'],
        ['p90 ms', 'num'],
        ['p99 ms', 'num'],
        ['ratio to baseline', 'num'],
      ],
      rows.map((r) => [
        r.scenario.group,
        name(r),
        String(r.requests),
        String(r.errors),
        fmt(r.wallS, 2),
        fmt(r.reqPerS),
        perRound(r),
        fmt(r.okP50, digits(r)),
        fmt(r.okP90, digits(r)),
        fmt(r.okP99, digits(r)),
        ratioCell(r, baseOf(r), r.scenario.kind === 'baseline'),
      ]),
    ),
    '',
    "What each baseline is (all in the bench process, against the same MariaDB, mysql2 pool as large as the server's):",
    '',
    `- **create**: an RSA-SHA256 signature of the JSAPI prepay request (the Authorization header), a check of WeChat's answer signature (RSA verify), the RSA-SHA256 \`paySign\` of the pay params, and one \`INSERT\` of the order row with its pay params. RSA-${f.merchantBits} keys parsed once. No member, merchant, tier or policy reads, no network call: the HTTP side also carries Nest, auth, rate limiting, pricing reads, two transactions, and the sandbox's prepay endpoint (request check, answer signature), which runs in the server process.`,
    '- **notify, crypto only**: for the same kind of notifications the server receives, the RSA-SHA256 verify over `timestamp\\nnonce\\nbody\\n`, the AES-256-GCM decrypt (tag checked) and the JSON parses, in a plain loop, one at a time.',
    "- **notify, apply SQL only**: `SELECT` the order (joined to the member's tier) by `out_trade_no`; `START TRANSACTION`; the guarded `UPDATE orders … WHERE status = 'pending'`; `INSERT spend_entries`; the rolling-spend `SELECT SUM` of the tier check; `INSERT points_transactions`; `INSERT points_postings` (2 rows); `INSERT points_lots`; `UPDATE members` (balance, first purchase); `COMMIT`; `INSERT payment_events`. The alliance's points policy and tier multipliers are read once, before the run.",
    `- **notify, crypto + apply SQL**: both, per notification, with ${z.concurrency} in flight: the ratio baseline for first deliveries.`,
    '- **dup**: crypto, then `SELECT status FROM orders WHERE out_trade_no = ?` finds it paid. The HTTP duplicates are the same signed notifications posted a second time (WeChat redelivers the same body).',
    '- **race** and **sandbox** have no baseline. The race posts each first delivery 3 times side by side: one copy applies the payment, two find it paid (all must answer 204). The sandbox rows are the path a real payment takes: `/confirm` makes the sandbox encrypt, sign (RSA) and POST the notification to the server, in the same process as the server, so its work is in the server CPU column.',
    '',
    COST_HEADING,
    '',
    ...table(
      [['group'], ['scenario'], ...COST_COLUMNS],
      rows.map((r) => [r.scenario.group, r.scenario.name, ...costCells(r)]),
    ),
    '',
    '### Crypto cost in the bench process (µs per operation)',
    '',
    ...table(
      [['operation'], ['µs', 'num']],
      f.micro.map(([what, us]) => [what, fmt(us)]),
    ),
    '',
    '### Correctness afterwards (from the database)',
    '',
    ...table(
      [
        ['orders made (HTTP, baseline, warm-up, race, sandbox)', 'num'],
        ['paid', 'num'],
        ['exactly one points transaction (source_type order)', 'num'],
        ['most points transactions for one order', 'num'],
        ['one spend entry', 'num'],
        ['points_earned = its transaction', 'num'],
        ['flagged', 'num'],
        ['duplicates changed the ledger'],
      ],
      [
        [
          String(c.orders),
          String(c.paid),
          String(c.exactlyOnce),
          String(c.maxPerOrder),
          String(c.spendOnce),
          String(c.pointsMatch),
          String(c.flagged),
          f.dupChanges.length
            ? `**${f.dupChanges.join('; ')}**`
            : 'no (points transactions, member points, spend entries, paid orders unchanged)',
        ],
      ],
    ),
    '',
    `Cold start (the server's first WeChat Pay calls: ${f.cold.n} orders at once, before the warm-up): ${codesCell(f.cold.codes)}.`,
    '',
    `Check: ${checkCell(f.problems)}`,
    '',
  ];
}
