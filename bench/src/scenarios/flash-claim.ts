// Flash claim: how fast the server hands out coupons when every member claims the same template at
// once, against the SQL the endpoint cannot avoid, and that nothing is oversold (bench/README.md).
//
//   flash    stock 100, 1,000 claimants: 100 win (201), 900 get 409 OUT_OF_STOCK
//   large    stock = members: everyone wins — the cost of the winning path
//   +idem    as large, each claim with an Idempotency-Key, as the mini-program sends it
import type { ResultSetHeader, RowDataPacket } from 'mysql2/promise';
import { answerCode } from '../lib/http.js';
import { countAnswer, runPool, timed } from '../lib/pool.js';
import { pool as poolRounds, type Measured, type Pooled } from '../lib/stats.js';
import type { BenchContext, Outcome, Scenario } from '../lib/types.js';
import { makeTemplate } from '../lib/templates.js';
import { flashReport } from './flash-claim-report.js';

type Key = 'flashSql' | 'flashHttp' | 'largeSql' | 'largeHttp' | 'largeIdem';

export interface ClaimShape {
  key: Key;
  name: string;
  side: 'baseline' | 'http';
  stock: number;
  /** The baseline this one's ratio is taken against. */
  base?: Key;
  claim: (templateId: string) => (i: number) => Promise<Outcome>;
}

/** One round of one shape: its template and what was measured. */
export interface ClaimRound {
  templateId: string;
  measured: Measured;
}

/** What the database says about one template after its round. */
export interface TemplateCheck {
  stock: number;
  issued: number;
  coupons: number;
  maxPer: number;
  problems: string[];
  oversold: boolean;
}

export interface ClaimRow extends Pooled {
  shape: ClaimShape;
  checks: TemplateCheck[];
  problems: string[];
  oversold: boolean;
}

interface FlashState {
  rounds: number;
  ctx: BenchContext;
  shapes: ClaimShape[];
  byKey: Map<Key, ClaimRound[]>;
  warm: number;
}

/** POST /api/v1/offers/:id/claim as the member's phone sends it. */
const httpClaim = (ctx: BenchContext, withIdemKey: boolean) => (templateId: string) => (i: number) =>
  countAnswer(
    () =>
      ctx.api('POST', `/offers/${templateId}/claim`, {
        token: ctx.members[i]!.token,
        headers: withIdemKey ? { 'idempotency-key': `bench-${ctx.runId}-${templateId}-${i}` } : {},
      }),
    (res) => {
      const code = answerCode(res, 201);
      if (res.status === 201) return { outcome: 'ok', code };
      const error = res.body?.error?.code ?? '';
      const rejected = res.status === 409 && ['OUT_OF_STOCK', 'LIMIT_REACHED'].includes(error);
      return { outcome: rejected ? 'rejected' : 'error', code };
    },
  );

/**
 * The same claim as bare SQL: count the member's claims; in a transaction the guarded
 * `issued < stock` update and, when it took a unit, the coupon insert (the server's columns).
 */
const sqlClaim = (ctx: BenchContext) => (templateId: string) => (i: number) =>
  timed(async () => {
    const memberId = ctx.members[i]!.memberId;
    const [[counted]] = await ctx.pool.query<RowDataPacket[]>(
      'SELECT COUNT(*) AS n FROM coupons WHERE template_id = ? AND claimed_by_member_id = ?',
      [templateId, memberId],
    );
    const held = Number(counted?.n);
    if (held >= 1) return { outcome: 'rejected', code: 'LIMIT_REACHED' };
    const conn = await ctx.pool.getConnection();
    try {
      await conn.query('START TRANSACTION');
      const [upd] = await conn.query<ResultSetHeader>(
        "UPDATE coupon_templates SET issued = issued + 1 WHERE id = ? AND issued < stock AND status = 'active'",
        [templateId],
      );
      if (upd.affectedRows !== 1) {
        await conn.query('ROLLBACK');
        return { outcome: 'rejected', code: 'OUT_OF_STOCK' };
      }
      const now = new Date();
      await conn.query(
        `INSERT INTO coupons (alliance_id, template_id, member_id, claimed_by_member_id, claim_seq, source, status,
           valid_from, valid_until, received_from_member_id, used_at, used_merchant_id, redemption_id, order_id,
           created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, 'claim', 'available', ?, ?, NULL, NULL, NULL, NULL, NULL, ?, ?)`,
        [ctx.allianceId, templateId, memberId, memberId, held + 1, now, validUntil(now), now, now],
      );
      await conn.query('COMMIT');
      return { outcome: 'ok', code: 'ok' };
    } catch (e) {
      await conn.query('ROLLBACK').catch(() => {});
      throw e;
    } finally {
      conn.release();
    }
  });

const VALID_DAYS_MS = 7 * 86_400_000;
const validUntil = (from: Date) => new Date(from.getTime() + VALID_DAYS_MS);

async function checkTemplate(
  ctx: BenchContext,
  templateId: string,
  ok: number,
  requests: number,
  complete: boolean,
) {
  const [[t]] = await ctx.pool.query<RowDataPacket[]>(
    `SELECT t.stock, t.issued, (SELECT COUNT(*) FROM coupons c WHERE c.template_id = t.id) AS coupons
       FROM coupon_templates t WHERE t.id = ?`,
    [templateId],
  );
  const [[per]] = await ctx.pool.query<RowDataPacket[]>(
    `SELECT COALESCE(MAX(k), 0) AS m FROM
       (SELECT COUNT(*) AS k FROM coupons WHERE template_id = ? GROUP BY claimed_by_member_id) per_member`,
    [templateId],
  );
  const [stock, issued, coupons, maxPer] = [t?.stock, t?.issued, t?.coupons, per?.m].map(Number) as [
    number,
    number,
    number,
    number,
  ];
  const problems: string[] = [];
  if (issued > stock) problems.push(`issued ${issued} > stock ${stock}`);
  if (coupons !== issued) problems.push(`coupons ${coupons} ≠ issued ${issued}`);
  if (maxPer > 1) problems.push(`a member holds ${maxPer} coupons (limit 1)`);
  if (ok !== issued) problems.push(`${ok} successful claims ≠ issued ${issued}`);
  // With every claimant done, a flash sale sells out exactly and a large stock serves everyone.
  const expected = Math.min(stock, requests);
  if (complete && issued !== expected) problems.push(`issued ${issued}, expected ${expected}`);
  const check: TemplateCheck = {
    stock,
    issued,
    coupons,
    maxPer,
    problems,
    oversold: issued > stock || coupons > stock || maxPer > 1,
  };
  return check;
}

async function measureShapes(s: FlashState, side: ClaimShape['side'], round: number): Promise<void> {
  const { ctx } = s;
  const N = ctx.members.length;
  for (const shape of s.shapes.filter((sh) => sh.side === side)) {
    const templateId = await makeTemplate(ctx, `bench ${shape.name} #${round}`, shape.stock);
    const measured = await ctx.meter.measure(shape.name, round, () =>
      runPool(N, ctx.settings.concurrency, ctx.settings.scenarioDeadlineMs, shape.claim(templateId)),
    );
    s.byKey.get(shape.key)!.push({ templateId, measured });
  }
}

export const flashClaim: Scenario<FlashState> = {
  name: 'flash-claim',

  async setup(ctx) {
    const { settings } = ctx;
    const N = ctx.members.length;
    const httpShapes = 3;
    // Every member claims over HTTP once in the warm-up and once per HTTP shape and round.
    const perMember = 1 + httpShapes * settings.rounds;
    if (perMember > settings.server.claimLimit.limit() - 5)
      throw new Error(`flash claim: ${perMember} claims per member would hit the server's claim limit`);
    const shapes: ClaimShape[] = [
      {
        key: 'flashSql',
        name: `baseline SQL, flash (stock ${settings.flashStock})`,
        side: 'baseline',
        stock: settings.flashStock,
        claim: sqlClaim(ctx),
      },
      {
        key: 'largeSql',
        name: `baseline SQL, large (stock ${N})`,
        side: 'baseline',
        stock: N,
        claim: sqlClaim(ctx),
      },
      {
        key: 'flashHttp',
        name: `HTTP flash (stock ${settings.flashStock})`,
        side: 'http',
        stock: settings.flashStock,
        base: 'flashSql',
        claim: httpClaim(ctx, false),
      },
      {
        key: 'largeHttp',
        name: `HTTP large (stock ${N})`,
        side: 'http',
        stock: N,
        base: 'largeSql',
        claim: httpClaim(ctx, false),
      },
      {
        key: 'largeIdem',
        name: 'HTTP large + Idempotency-Key',
        side: 'http',
        stock: N,
        base: 'largeSql',
        claim: httpClaim(ctx, true),
      },
    ];
    const warm = Math.min(settings.warmupClaims, N);
    ctx.log(`flash claim: warm-up, ${warm} claims per side …`);
    const { concurrency, scenarioDeadlineMs } = settings;
    const warmSql = await makeTemplate(ctx, 'bench warm-up SQL', N);
    await runPool(warm, concurrency, scenarioDeadlineMs, sqlClaim(ctx)(warmSql));
    const warmHttp = await makeTemplate(ctx, 'bench warm-up HTTP', N);
    await runPool(warm, concurrency, scenarioDeadlineMs, httpClaim(ctx, false)(warmHttp));
    return { rounds: settings.rounds, ctx, shapes, byKey: new Map(shapes.map((sh) => [sh.key, []])), warm };
  },

  baseline: (s, round) => measureShapes(s, 'baseline', round),
  run: (s, round) => measureShapes(s, 'http', round),

  async verify(s) {
    const rows: ClaimRow[] = [];
    // In the table's order: each HTTP shape after its baseline.
    const order: Key[] = ['flashSql', 'flashHttp', 'largeSql', 'largeHttp', 'largeIdem'];
    for (const key of order) {
      const shape = s.shapes.find((sh) => sh.key === key)!;
      const rounds = s.byKey.get(key)!;
      const checks: TemplateCheck[] = [];
      for (const r of rounds) {
        const m = r.measured.summary;
        checks.push(
          await checkTemplate(s.ctx, r.templateId, m.ok, m.requests, !m.timedOut && m.errors === 0),
        );
      }
      const pooled = poolRounds(rounds.map((r) => r.measured));
      rows.push({
        ...pooled,
        shape,
        checks,
        problems: checks.flatMap((c, i) => c.problems.map((p) => `round ${i + 1}: ${p}`)),
        oversold: checks.some((c) => c.oversold),
      });
    }
    const problems = rows.flatMap((r) => [
      ...r.problems.map((p) => `${r.shape.name}: ${p}`),
      ...(r.errors ? [`${r.shape.name}: ${r.errors} failed request(s)`] : []),
    ]);
    return { markdown: flashReport(rows, s.rounds, s.warm).join('\n'), problems };
  },
};
