// Payments: order creation (POST /orders with the sandbox's JSAPI prepay) and WeChat Pay notification
// processing (first deliveries and duplicates), each against a baseline measured in the same run; every
// order must end up paid with exactly one points transaction (bench/README.md).
//
//   create   baseline: RSA-SHA256 signature of the prepay request, check of WeChat's answer signature,
//            RSA-SHA256 paySign, one INSERT  —  vs  POST /api/v1/orders
//   notify   baselines: crypto only (a loop), apply SQL only, crypto + apply SQL  —  vs  crafted first
//            deliveries posted to the notify path
//   dup      baseline: crypto + SELECT status  —  vs  the same notifications posted again
//   once, after the last round: the race (each notification 3 times at once) and the sandbox's own path
import { DEFAULT_POINTS_POLICY } from '@allycard/domain';
import type { AdminMerchant } from '@allycard/contracts';
import { signMessage, wechatpayMessage } from '@allycard/wechat-sandbox';
import { createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes } from 'node:crypto';
import type { RowDataPacket } from 'mysql2/promise';
import { runLoop, runPool } from '../lib/pool.js';
import { countCodes, pool as poolRounds } from '../lib/stats.js';
import type { BenchContext, Outcome, Run, Scenario } from '../lib/types.js';
import {
  craftNotification,
  newEventId,
  readPayKeys,
  transactionOf,
  verifyAndDecrypt,
} from '../lib/wechat-pay.js';
import { cryptoCosts, paymentsReport, PAY_SCENARIOS, type PayKey, type PayRow } from './payments-report.js';
import { insertPending, ledgerSnapshot, sameSnapshot, verifyOrders, type NewOrder } from './payments-sql.js';
import {
  cryptoAndLookup,
  cryptoAndSql,
  httpCreate,
  httpNotify,
  orderFor,
  sandboxCall,
  sqlOnly,
  sqlCreate,
  type PayState,
  type PaySizes,
} from './payments-tasks.js';

const MERCHANTS = 4;

/** The orders of a sparse list filled by index; a hole is an order that was not created. */
function made(s: PayState, list: (NewOrder | undefined)[], what: string): NewOrder[] {
  const orders = list.filter((o): o is NewOrder => o !== undefined);
  if (orders.length < list.length) {
    const missing = `${list.length - orders.length} of ${list.length} ${what} were not created`;
    s.problems.push(missing);
    s.ctx.log(`payments: ${missing}`);
  }
  return orders;
}

async function measure(s: PayState, key: PayKey, round: number, runner: () => Promise<Run> | Run) {
  const name = PAY_SCENARIOS.find((sc) => sc.key === key)!.name;
  s.byKey.get(key)!.push(await s.ctx.meter.measure(`payments ${name}`, round, runner));
}

const pooled = (s: PayState, n: number, concurrency: number, task: (i: number) => Promise<Outcome>) => () =>
  runPool(n, concurrency, s.ctx.settings.scenarioDeadlineMs, task);

/** Duplicates must change nothing: the ledger before and after `step`. */
async function unchanged(s: PayState, what: string, step: () => Promise<void>) {
  const before = await ledgerSnapshot(s.pool);
  await step();
  const after = await ledgerSnapshot(s.pool);
  if (!sameSnapshot(before, after)) {
    s.dupChanges.push(`${what}: ${JSON.stringify(before)} → ${JSON.stringify(after)}`);
    s.problems.push(`duplicates changed the ledger (${what})`);
  }
}

const craftAll = (s: PayState, orders: NewOrder[]) =>
  orders.map((o) => craftNotification(s.ring, s.ctx.runId, o));

async function setup(ctx: BenchContext): Promise<PayState> {
  const { settings, members } = ctx;
  const M = members.length;
  const orders = settings.payOrders;
  const sizes: PaySizes = {
    orders,
    rounds: settings.payRounds,
    concurrency: settings.concurrency,
    warmup: Math.min(200, orders),
    sample: Math.min(100, orders),
    sampleConcurrency: Math.min(20, settings.concurrency),
    merchants: MERCHANTS,
  };
  // HTTP orders each member places (cold start, rounds, warm-up, race, sandbox), all within about a minute.
  const perMember =
    1 + Math.ceil(orders / M) * sizes.rounds + Math.ceil(sizes.warmup / M) + 2 * Math.ceil(sizes.sample / M);
  const limit = settings.server.claimLimit.limit();
  if (perMember > limit - 5)
    throw new Error(
      `payments: ${perMember} orders per member would hit the ${limit}/min limit: fewer BENCH_PAY_ORDERS or BENCH_PAY_ROUNDS, or more BENCH_MEMBERS`,
    );

  const ring = await readPayKeys(ctx.http);
  const merchantBits =
    createPublicKey(ring.keys.merchantPublicKeyPem).asymmetricKeyDetails?.modulusLength ?? 2048;
  const merchantKeyPem = generateKeyPairSync('rsa', { modulusLength: merchantBits })
    .privateKey.export({ type: 'pkcs8', format: 'pem' })
    .toString();
  const merchants: AdminMerchant[] = [];
  for (let k = 0; k < MERCHANTS; k++) {
    const res = await ctx.api<AdminMerchant>('POST', '/admin/merchants', {
      token: ctx.adminToken,
      body: { name: `bench 商户 ${ctx.runId} ${k + 1}` },
    });
    if (res.status !== 201) throw new Error(`create merchant: ${res.status} ${JSON.stringify(res.body)}`);
    merchants.push({ ...res.body, id: String(res.body.id) });
  }
  const [[policyRow]] = await ctx.pool.query<RowDataPacket[]>(
    'SELECT earn_fen_per_point, expiry_months FROM points_policies WHERE alliance_id = ?',
    [ctx.allianceId],
  );
  const policy = policyRow
    ? {
        ...DEFAULT_POINTS_POLICY,
        earnFenPerPoint: Number(policyRow.earn_fen_per_point),
        expiryMonths: Number(policyRow.expiry_months),
      }
    : DEFAULT_POINTS_POLICY;
  const [tierRows] = await ctx.pool.query<RowDataPacket[]>(
    'SELECT code, points_multiplier_permille AS m FROM tiers WHERE alliance_id = ?',
    [ctx.allianceId],
  );
  const answerTs = String(Math.floor(Date.now() / 1000));
  const answerMessage = wechatpayMessage(
    answerTs,
    randomBytes(16).toString('hex'),
    JSON.stringify({ prepay_id: `wx${answerTs}bench` }),
  );
  const s: PayState = {
    rounds: sizes.rounds,
    ctx,
    sizes,
    ring,
    pool: ctx.pool,
    allianceId: ctx.allianceId,
    policy,
    multiplierOf: new Map(tierRows.map((t) => [String(t.code), Number(t.m)])),
    merchantKey: createPrivateKey(merchantKeyPem),
    merchantKeyPem,
    merchantBits,
    merchants,
    answer: { message: answerMessage, signature: signMessage(ring.platformPrivate, answerMessage) },
    tradeSeq: 0,
    byKey: new Map(PAY_SCENARIOS.map((sc) => [sc.key, []])),
    allOrders: [],
    problems: [],
    dupChanges: [],
    cold: { n: 0, codes: {} },
  };

  // Cold start: the server's first WeChat Pay calls, `concurrency` orders at once. Nothing before has
  // talked to WeChat Pay: the server has not downloaded the platform certificates yet.
  const coldOrders = new Array<NewOrder | undefined>(Math.min(sizes.concurrency, M));
  const cold = await runPool(
    coldOrders.length,
    coldOrders.length,
    settings.scenarioDeadlineMs,
    httpCreate(s, coldOrders),
  );
  s.cold = { n: coldOrders.length, codes: countCodes(cold.results) };
  ctx.log(`payments: cold start, ${coldOrders.length} orders at once: ${JSON.stringify(s.cold.codes)}`);
  const coldFailed = Object.entries(s.cold.codes).filter(([c]) => c !== '201');
  if (coldFailed.length)
    s.problems.push(
      `cold start: concurrent first orders failed (${coldFailed.map(([c, n]) => `${n} × ${c}`).join(', ')})`,
    );

  // Warm-up (not reported): every path once.
  ctx.log(`payments: warm-up, ${sizes.warmup} orders per path …`);
  const w = sizes.warmup;
  const httpOrders = new Array<NewOrder | undefined>(w);
  const sqlOrders = new Array<NewOrder | undefined>(w);
  await pooled(s, w, sizes.concurrency, sqlCreate(s, sqlOrders))();
  await pooled(s, w, sizes.concurrency, httpCreate(s, httpOrders))();
  const hNotes = craftAll(s, [
    ...coldOrders.filter((o): o is NewOrder => o !== undefined),
    ...made(s, httpOrders, 'warm-up orders'),
  ]);
  const bNotes = craftAll(s, made(s, sqlOrders, 'warm-up baseline orders'));
  runLoop(hNotes.length, (i) => verifyAndDecrypt(ring, hNotes[i]!));
  await pooled(s, bNotes.length, sizes.concurrency, cryptoAndSql(s, bNotes))();
  await pooled(s, hNotes.length, sizes.concurrency, httpNotify(s, hNotes))();
  await pooled(s, hNotes.length, sizes.concurrency, httpNotify(s, hNotes))();
  s.allOrders.push(...hNotes.map((n) => n.order), ...bNotes.map((n) => n.order));
  return s;
}

async function baseline(s: PayState, round: number): Promise<void> {
  const { orders: N, concurrency } = s.sizes;
  const sqlOrders = new Array<NewOrder | undefined>(N);
  await measure(s, 'createSql', round, pooled(s, N, concurrency, sqlCreate(s, sqlOrders)));
  // setup, not timed: the notifications of the baseline's orders, and pending rows for the SQL-only part
  const notes = craftAll(s, made(s, sqlOrders, 'baseline orders'));
  const pending = (
    await insertPending(
      s.pool,
      s.allianceId,
      Array.from({ length: N }, (_, i) => orderFor(s, i, 'BP')),
    )
  ).map((o) => ({ order: o, transaction: transactionOf(s.ring.keys, o), eventId: newEventId(s.ctx.runId) }));
  s.allOrders.push(...notes.map((n) => n.order), ...pending.map((p) => p.order));

  await measure(s, 'notifyCrypto', round, () =>
    runLoop(notes.length, (i) => verifyAndDecrypt(s.ring, notes[i]!)),
  );
  await measure(s, 'notifySql', round, pooled(s, pending.length, concurrency, sqlOnly(s, pending)));
  await measure(s, 'notifySqlCrypto', round, pooled(s, notes.length, concurrency, cryptoAndSql(s, notes)));
  await measure(s, 'dupSql', round, pooled(s, notes.length, concurrency, cryptoAndLookup(s, notes)));
}

async function run(s: PayState, round: number): Promise<void> {
  const { orders: N, concurrency, sample, sampleConcurrency } = s.sizes;
  const httpOrders = new Array<NewOrder | undefined>(N);
  await measure(s, 'createHttp', round, pooled(s, N, concurrency, httpCreate(s, httpOrders)));
  const notes = craftAll(s, made(s, httpOrders, 'HTTP orders'));
  s.allOrders.push(...notes.map((n) => n.order));
  await measure(s, 'notifyHttp', round, pooled(s, notes.length, concurrency, httpNotify(s, notes)));
  // WeChat redelivers the same body: the cheap path, nothing may change
  await unchanged(s, `round ${round}`, () =>
    measure(s, 'dupHttp', round, pooled(s, notes.length, concurrency, httpNotify(s, notes))),
  );
  if (round < s.rounds) return;

  // Once, after the last round. The race: each first delivery posted 3 times side by side (WeChat
  // retries a slow answer): one copy applies the payment, the others must find it paid.
  const raceOrders = new Array<NewOrder | undefined>(sample);
  await pooled(s, sample, concurrency, httpCreate(s, raceOrders))();
  const raceNotes = craftAll(s, made(s, raceOrders, 'race orders'));
  s.allOrders.push(...raceNotes.map((n) => n.order));
  const copies = raceNotes.flatMap((n) => [n, n, n]); // adjacent: the copies are in flight together
  await measure(s, 'raceHttp', 1, pooled(s, copies.length, concurrency, httpNotify(s, copies)));

  // The sandbox's own path: WeChat (the sandbox) encrypts, signs and delivers; the server applies.
  const sandboxOrders = new Array<NewOrder | undefined>(sample);
  await pooled(s, sample, concurrency, httpCreate(s, sandboxOrders))();
  const viaSandbox = made(s, sandboxOrders, 'sandbox sample orders');
  s.allOrders.push(...viaSandbox);
  await measure(
    s,
    'sandboxConfirm',
    1,
    pooled(s, viaSandbox.length, sampleConcurrency, sandboxCall(s, viaSandbox, 'confirm')),
  );
  await unchanged(s, 'sandbox redelivery', () =>
    measure(
      s,
      'sandboxRedeliver',
      1,
      pooled(s, viaSandbox.length, sampleConcurrency, sandboxCall(s, viaSandbox, 'redeliver')),
    ),
  );
}

async function verify(s: PayState) {
  const db = await verifyOrders(s.pool, s.allOrders);
  const problems = [...s.problems, ...db.problems];
  const rows: PayRow[] = PAY_SCENARIOS.map((sc) => ({ ...poolRounds(s.byKey.get(sc.key)!), scenario: sc }));
  const errors = rows.reduce((a, r) => a + r.errors, 0);
  if (errors) problems.push(`${errors} request(s) failed`);
  const micro = cryptoCosts(s.ring, s.merchantKey, s.merchantKeyPem, (o) =>
    craftNotification(s.ring, s.ctx.runId, o),
  );
  return {
    markdown: paymentsReport({
      rows,
      counts: db.counts,
      dupChanges: s.dupChanges,
      problems,
      micro,
      sizes: s.sizes,
      members: s.ctx.members.length,
      merchantBits: s.merchantBits,
      cold: s.cold,
    }).join('\n'),
    problems,
  };
}

export const payments: Scenario<PayState> = { name: 'payments', setup, baseline, run, verify };
