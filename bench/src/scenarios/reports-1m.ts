// reports-1m: the operator's reports and member database at 1 M members and 10 M purchases, seeded
// straight into MariaDB (INSERT … SELECT from the sequence engine's seq_1_to_N), the daily stats
// rebuilt over HTTP, then GET /admin/reports/overview (30 and 365 days), member search by card number
// and by phone, the member list's first and 100th page, each against the same reads sent straight
// through mysql2, and the 1 M-member CSV export with the server's peak RSS (/proc VmHWM).
import { addBusinessDays, businessDate, parseBusinessDate } from '@allycard/domain';
import type { RowDataPacket } from 'mysql2/promise';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { fmt, table } from '../lib/report.js';
import { percentile } from '../lib/stats.js';
import type { BenchContext, Scenario } from '../lib/types.js';

const MERCHANTS = 10;
const CHUNK = 250_000;
const TARGET_P99_MS = 300;

interface Timing {
  label: string;
  http: number[];
  sql: number[];
}

interface ReportState {
  rounds: number;
  ctx: BenchContext;
  members: number;
  purchases: number;
  seed: { step: string; rows: number; s: number }[];
  rebuild: { s: number; memberDays: number } | null;
  probes: { cardNo: string; phone: string; memberId: string }[];
  page100Cursor: string;
  /** the page the cursor walk reached (100 unless a page took seconds) */
  pageReached: number;
  page100Key: { joinedAt: string; id: string };
  timings: Timing[];
  csv: {
    s: number;
    bytes: number;
    lines: number;
    cut: boolean;
    hwmBeforeKb: number;
    hwmAfterKb: number;
  } | null;
  problems: string[];
}

const now = () => Number(process.hrtime.bigint()) / 1e6;

function vmKb(pid: number, field: 'VmHWM' | 'VmRSS'): number {
  try {
    const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : NaN;
  } catch {
    return NaN;
  }
}

interface SecondaryIndex {
  name: string;
  unique: boolean;
  columns: string[];
}

/** A table's secondary indexes (name, unique, columns in order), from information_schema. */
async function secondaryIndexes(pool: BenchContext['pool'], table: string): Promise<SecondaryIndex[]> {
  const [rows] = await pool.query<RowDataPacket[]>(
    `SELECT INDEX_NAME AS name, NON_UNIQUE AS nonUnique, COLUMN_NAME AS col, SUB_PART AS sub
     FROM information_schema.STATISTICS
     WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? AND INDEX_NAME <> 'PRIMARY'
     ORDER BY INDEX_NAME, SEQ_IN_INDEX`,
    [table],
  );
  const out: SecondaryIndex[] = [];
  for (const r of rows) {
    let index = out.find((i) => i.name === r.name);
    if (!index) out.push((index = { name: String(r.name), unique: Number(r.nonUnique) === 0, columns: [] }));
    index.columns.push(`\`${String(r.col)}\`${r.sub ? `(${Number(r.sub)})` : ''}`);
  }
  return out;
}

async function setup(ctx: BenchContext): Promise<ReportState> {
  const { pool, api, adminToken: token, allianceId, settings, log } = ctx;
  const M = settings.reportMembers;
  const P = settings.reportPurchases;
  const state: ReportState = {
    rounds: 1,
    ctx,
    members: M,
    purchases: P,
    seed: [],
    rebuild: null,
    probes: [],
    page100Cursor: '',
    pageReached: 0,
    page100Key: { joinedAt: '', id: '' },
    timings: [],
    csv: null,
    problems: [],
  };
  const step = async (name: string, rows: number, work: () => Promise<void>) => {
    const t0 = Date.now();
    await work();
    const s = (Date.now() - t0) / 1000;
    state.seed.push({ step: name, rows, s });
    log(`reports-1m: ${name}: ${rows} rows in ${s.toFixed(1)} s`);
  };

  const merchantIds: string[] = [];
  for (let i = 0; i < MERCHANTS; i++) {
    const res = await api<{ id: string }>('POST', '/admin/merchants', {
      token,
      body: { name: `报表商户${ctx.runId}${i}` },
    });
    if (res.status !== 201) throw new Error(`merchant: ${res.status} ${JSON.stringify(res.body)}`);
    merchantIds.push(String(res.body.id));
  }
  const staff = await api<{ id: string }>('POST', `/admin/merchants/${merchantIds[0]}/staff`, {
    token,
    body: { username: `rep_${ctx.runId}`, password: 'password123', role: 'clerk' },
  });
  if (staff.status !== 201) throw new Error(`staff: ${staff.status} ${JSON.stringify(staff.body)}`);
  const [[tierRows]] = await pool.query<RowDataPacket[]>(
    'SELECT GROUP_CONCAT(code ORDER BY min_spend_fen) AS codes FROM tiers WHERE alliance_id = ?',
    [allianceId],
  );
  const tiers = String(tierRows?.codes ?? 'normal').split(',');
  const merchantCase = (expr: string) =>
    `CASE ${merchantIds.map((id, i) => `WHEN ${expr} = ${i} THEN ${id}`).join(' ')} END`;
  // tiers weighted 70 / 20 / 8 / 2 %
  const tierCase = (expr: string) =>
    `CASE WHEN ${expr} < 70 THEN '${tiers[0]}' WHEN ${expr} < 90 THEN '${tiers[1] ?? tiers[0]}'
      WHEN ${expr} < 98 THEN '${tiers[2] ?? tiers[0]}' ELSE '${tiers[3] ?? tiers[0]}' END`;

  // The bulk load goes in without the secondary indexes of the tables it fills (InnoDB would
  // otherwise update each at random for every row); they are built again afterwards, by sort.
  const LOADED = ['members', 'orders', 'redemptions'];
  const dropped = new Map<string, SecondaryIndex[]>();
  await step('secondary indexes dropped', 0, async () => {
    for (const table of LOADED) {
      const indexes = await secondaryIndexes(pool, table);
      dropped.set(table, indexes);
      if (indexes.length)
        await pool.query(`ALTER TABLE ${table} ${indexes.map((i) => `DROP INDEX \`${i.name}\``).join(', ')}`);
    }
  });

  // Members: joined over the last 1,000 days, 60 % at a merchant; card numbers 9 + 11 digits.
  const [[before]] = await pool.query<RowDataPacket[]>('SELECT COALESCE(MAX(id), 0) AS id FROM members');
  await step('members', M, async () => {
    for (let from = 0; from < M; from += CHUNK) {
      const n = Math.min(CHUNK, M - from);
      await pool.query(
        `INSERT INTO members (alliance_id, openid, card_no, tier_code, points, join_source, join_merchant_id,
           phone_hash, joined_at, updated_at)
         SELECT ?, CONCAT('seed_', ?, '_', x.i), CONCAT('9', LPAD(x.i, 11, '0')), ${tierCase('x.i * 7 % 100')}, 0,
           CASE WHEN x.i % 10 < 6 THEN 'qrcode' ELSE 'direct' END,
           CASE WHEN x.i % 10 < 6 THEN ${merchantCase(`x.i % ${MERCHANTS}`)} END,
           SHA2(CONCAT('bench-phone-', ?, x.i), 256), x.at, x.at
         FROM (SELECT s.seq AS i,
                 NOW(3) - INTERVAL ((s.seq * 7919) % 86400000) SECOND - INTERVAL ((s.seq * 31) % 1000) DAY AS at
               FROM seq_${from + 1}_to_${from + n} s) x
         ORDER BY x.i`,
        [allianceId, ctx.runId, ctx.runId],
      );
    }
  });
  // Ids need not be contiguous (InnoDB's auto-increment may leave gaps): the purchases find their
  // member by its ordinal, 0 … M − 1.
  await step('member ordinals', M, async () => {
    await pool.query('CREATE TABLE bench_member_ordinals (n INT PRIMARY KEY, id BIGINT UNSIGNED NOT NULL)');
    await pool.query(
      `INSERT INTO bench_member_ordinals (n, id)
       SELECT ROW_NUMBER() OVER (ORDER BY id) - 1, id FROM members WHERE id > ? AND openid LIKE ?`,
      [before?.id, `seed_${ctx.runId}_%`],
    );
  });
  const [[range]] = await pool.query<RowDataPacket[]>('SELECT COUNT(*) AS n FROM bench_member_ordinals');
  if (Number(range?.n) !== M) throw new Error(`seeded ${String(range?.n)} members of ${M}`);

  // Purchases: half paid orders (7 % refunded in part, 3 % in full), half counter purchases (2 % voided),
  // each by the member of ordinal i × 7919 mod M, at a time between its join and now.
  const orders = Math.floor(P / 2);
  const counter = P - orders;
  const at = `m.joined_at + INTERVAL FLOOR(((x.i * 2654435761) % 1000003) / 1000003 * TIMESTAMPDIFF(SECOND, m.joined_at, NOW(3))) SECOND`;
  const pick = `FROM seq_%FROM%_to_%TO% x0 JOIN bench_member_ordinals b ON b.n = (x0.seq * 7919) % ${M} JOIN members m ON m.id = b.id`;
  const chunks = async (total: number, sql: string) => {
    for (let from = 0; from < total; from += CHUNK) {
      const n = Math.min(CHUNK, total - from);
      await pool.query(sql.replace('%FROM%', String(from + 1)).replace('%TO%', String(from + n)), []);
    }
  };
  await step('orders', orders, () =>
    chunks(
      orders,
      `INSERT INTO orders (alliance_id, member_id, merchant_id, out_trade_no, status, amount_fen, tier_discount_fen,
         coupon_discount_fen, points_used, points_discount_fen, payable_fen, points_earned, refund_requested_fen,
         refunded_fen, paid_at, created_at, updated_at)
       SELECT ${allianceId}, x.member_id, ${merchantCase(`x.i % ${MERCHANTS}`)}, CONCAT('S${ctx.runId}', x.i),
         CASE WHEN x.i % 100 < 90 THEN 'paid' WHEN x.i % 100 < 97 THEN 'partially_refunded' ELSE 'refunded' END,
         x.fen, 0, 0, 0, 0, x.fen, 0, 0,
         CASE WHEN x.i % 100 < 90 THEN 0 WHEN x.i % 100 < 97 THEN FLOOR(x.fen / 3) ELSE x.fen END,
         x.at, x.at, x.at
       FROM (SELECT x0.seq AS i, m.id AS member_id, 500 + (x0.seq * 104729) % 30000 AS fen, ${at.replace(/x\.i/g, 'x0.seq')} AS at
             ${pick}) x`,
    ),
  );
  await step('counter purchases', counter, () =>
    chunks(
      counter,
      `INSERT INTO redemptions (alliance_id, merchant_id, staff_id, member_id, amount_fen, coupon_discount_fen,
         points_earned, first_purchase, voided_at, created_at)
       SELECT ${allianceId}, ${merchantCase(`(x.i * 3) % ${MERCHANTS}`)}, ${staff.body.id}, x.member_id, x.fen, 0, 0, 0,
         CASE WHEN x.i % 50 = 0 THEN x.at END, x.at
       FROM (SELECT x0.seq + ${orders} AS i, m.id AS member_id, 300 + (x0.seq * 15485863) % 20000 AS fen,
               ${at.replace(/x\.i/g, `(x0.seq + ${orders})`)} AS at
             ${pick.replace('x0.seq * 7919', `(x0.seq + ${orders}) * 7919`)}) x`,
    ),
  );
  await step('secondary indexes built', 0, async () => {
    for (const table of LOADED) {
      const indexes = dropped.get(table) ?? [];
      if (indexes.length)
        await pool.query(
          `ALTER TABLE ${table} ${indexes
            .map((i) => `ADD ${i.unique ? 'UNIQUE ' : ''}INDEX \`${i.name}\` (${i.columns.join(', ')})`)
            .join(', ')}`,
        );
    }
  });
  await step('analyze', 0, async () => {
    await pool.query('ANALYZE TABLE members, orders, redemptions');
  });

  // The daily stats from the source tables, as the nightly job does it.
  const longClient = (method: string, path: string) =>
    longRequest(ctx, method, `/api/v1${path}`, { authorization: `Bearer ${token}` });
  const t0 = Date.now();
  const rebuilt = await longClient('POST', '/admin/reports/daily-stats/rebuild');
  if (rebuilt.status !== 200) throw new Error(`rebuild: ${rebuilt.status} ${rebuilt.body.slice(0, 300)}`);
  state.rebuild = {
    s: (Date.now() - t0) / 1000,
    memberDays: Number((JSON.parse(rebuilt.body) as { memberDays: number }).memberDays),
  };
  log(`reports-1m: rebuild: ${state.rebuild.memberDays} member days in ${state.rebuild.s.toFixed(1)} s`);

  // Probes: 5 of the runner's members (joined over HTTP) get a phone through the API; seeded card numbers.
  for (let i = 0; i < 5; i++) {
    const member = ctx.members[i]!;
    const phone = `139${String(Date.now() % 1e4).padStart(4, '0')}${String(i).padStart(4, '0')}`;
    const code = await ctx.http.request<{ code: string }>('POST', '/sandbox/wechat/phone-code', {
      body: { phone },
    });
    const bound = await api('POST', '/me/phone', { token: member.token, body: { code: code.body.code } });
    if (bound.status !== 200) throw new Error(`phone: ${bound.status} ${JSON.stringify(bound.body)}`);
    const seeded = 1 + ((i * 199_999) % M);
    state.probes.push({ cardNo: `9${String(seeded).padStart(11, '0')}`, phone, memberId: member.memberId });
  }
  // The 100th page's cursor, by following nextCursor from the first.
  let cursor: string | null = null;
  let lastItem: { id: string; joinedAt: string } | undefined;
  const walkUntil = Date.now() + 180_000;
  let reached = 1;
  for (let page = 1; page < 100 && Date.now() < walkUntil; page++, reached++) {
    const res: {
      status: number;
      body: { items: { id: string; joinedAt: string }[]; nextCursor: string | null };
    } = await api('GET', `/admin/members?limit=20${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, {
      token,
    });
    if (res.status !== 200 || !res.body.nextCursor) throw new Error(`page ${page}: ${res.status}`);
    cursor = res.body.nextCursor;
    lastItem = res.body.items[res.body.items.length - 1];
  }
  state.pageReached = reached;
  if (reached < 100) log(`reports-1m: the member list reached page ${reached} in 180 s; measuring that page`);
  state.page100Cursor = cursor!;
  state.page100Key = { joinedAt: lastItem!.joinedAt, id: lastItem!.id };
  return state;
}

/** A request with no client timeout and the body counted, not kept (the CSV export, the rebuild). */
function longRequest(
  ctx: BenchContext,
  method: string,
  path: string,
  headers: Record<string, string>,
  onChunk?: (chunk: Buffer) => void,
  maxMs = 0,
): Promise<{ status: number; body: string; bytes: number; cut: boolean }> {
  const port = ctx.serverPort;
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path, headers }, (res) => {
      let body = '';
      let bytes = 0;
      res.on('data', (c: Buffer) => {
        bytes += c.length;
        if (onChunk) onChunk(c);
        else body += c.toString('utf8');
      });
      const timer = maxMs
        ? setTimeout(() => {
            cut = true;
            req.destroy();
            resolve({ status: res.statusCode ?? 0, body, bytes, cut });
          }, maxMs)
        : null;
      res.on('end', () => {
        if (timer) clearTimeout(timer);
        resolve({ status: res.statusCode ?? 0, body, bytes, cut });
      });
      res.on('error', (e) => (cut ? undefined : reject(e)));
    });
    let cut = false;
    req.on('error', (e) => (cut ? undefined : reject(e)));
    req.end();
  });
}

/** How long one read is sampled at most: a read of seconds gets fewer samples (the table says n). */
const SAMPLE_DEADLINE_MS = 60_000;
/** The CSV export is cut after this long; the report says how far it got. */
const CSV_MAX_MS = 300_000;

/** Runs `op` `samples` times one after the other (after 3 not counted); the latencies in ms. */
async function sample(samples: number, op: (i: number) => Promise<void>): Promise<number[]> {
  const stopAt = Date.now() + SAMPLE_DEADLINE_MS;
  for (let i = 0; i < 3 && Date.now() < stopAt; i++) await op(i);
  const out: number[] = [];
  for (let i = 0; i < samples && Date.now() < stopAt; i++) {
    const t0 = now();
    await op(i);
    out.push(now() - t0);
  }
  return out;
}

async function baseline(state: ReportState): Promise<void> {
  const { pool, allianceId, settings } = state.ctx;
  const today = businessDate(new Date());
  const q = async (sql: string, params: unknown[]) => void (await pool.query(sql, params));
  const overviewSql = async (days: number) => {
    const from = addBusinessDays(today, 1 - days);
    const to = addBusinessDays(today, 1);
    const fromAt = parseBusinessDate(from)!;
    const toAt = parseBusinessDate(to)!;
    await q(
      `SELECT business_date, purchases, spend_fen, later_spend_fen, active_members FROM daily_stats
       WHERE alliance_id = ? AND merchant_id = 0 AND business_date >= ? AND business_date < ?`,
      [allianceId, from, to],
    );
    await q(
      `SELECT tier_code, CASE WHEN join_date >= ? THEN join_date ELSE '' END AS d, SUM(members),
         SUM(CASE WHEN quick_date <> '' AND quick_date < ? THEN members ELSE 0 END)
       FROM member_counts WHERE alliance_id = ? AND merchant_id = 0 AND counted_date < ?
       GROUP BY tier_code, CASE WHEN join_date >= ? THEN join_date ELSE '' END`,
      [from, to, allianceId, to, from],
    );
    await q(
      `SELECT kind, SUM(CASE WHEN x_date < ? THEN n ELSE 0 END), SUM(CASE WHEN y_date = '9999-12-31' THEN n ELSE 0 END)
       FROM purchase_gaps WHERE alliance_id = ? AND merchant_id = 0 AND kind IN ('g', 's', 'm', 'p') AND y_date >= ?
       GROUP BY kind`,
      [from, allianceId, to],
    );
    await q(
      `SELECT (SELECT COUNT(*) FROM coupons c WHERE c.alliance_id = ? AND c.created_at >= ? AND c.created_at < ?),
         (SELECT COUNT(*) FROM coupons c WHERE c.alliance_id = ? AND c.used_at >= ? AND c.used_at < ?)`,
      [allianceId, fromAt, toAt, allianceId, fromAt, toAt],
    );
    await q(
      `SELECT SUM(amount) FROM points_postings WHERE alliance_id = ? AND account_kind = 'member' AND created_at < ?`,
      [allianceId, toAt],
    );
  };
  // The member list's page as the server reads it (member-database/member-list.service.ts): the
  // figures from report_members, walked in the sort's index; a search finds its members first.
  const columns = `SELECT m.id, m.card_no, m.nickname, m.phone_enc, m.tier_code, m.tier_grant_code,
      m.tier_grant_until, m.points, m.joined_at, m.join_merchant_id,
      f.purchases, f.spend_fen, f.first_at, f.last_at`;
  const listed = (hits: string) => `${columns}
    FROM ${hits ? `(${hits}) hit JOIN report_members f ON f.member_id = hit.id` : 'report_members f FORCE INDEX (idx_report_members_joined)'}
    JOIN members m ON m.id = f.member_id
    WHERE f.alliance_id = ? AND f.merchant_id = 0 AND m.alliance_id = ?`;
  const search = (by: string) =>
    `${listed(`SELECT id FROM members WHERE alliance_id = ? AND card_no = ?
      UNION SELECT id FROM members WHERE alliance_id = ? AND nickname LIKE ? ESCAPE '!'${by}`)}
     ORDER BY f.joined_at DESC, f.member_id DESC LIMIT 21`;
  const probe = (i: number) => state.probes[i % state.probes.length]!;
  const hash = async (phone: string) => {
    const [[row]] = await pool.query<RowDataPacket[]>('SELECT phone_hash FROM members WHERE id = ?', [
      state.probes.find((p) => p.phone === phone)!.memberId,
    ]);
    return String(row?.phone_hash);
  };
  const hashes = new Map<string, string>();
  for (const p of state.probes) hashes.set(p.phone, await hash(p.phone));
  const page100 = new Date(state.page100Key.joinedAt);
  const sqlOps: [string, (i: number) => Promise<void>][] = [
    ['overview, 30 days', () => overviewSql(30)],
    ['overview, 365 days', () => overviewSql(365)],
    [
      'member search by card number',
      (i) =>
        q(search(''), [
          allianceId,
          probe(i).cardNo,
          allianceId,
          `${probe(i).cardNo}%`,
          allianceId,
          allianceId,
        ]),
    ],
    [
      'member search by phone',
      (i) =>
        q(search(' UNION SELECT id FROM members WHERE alliance_id = ? AND phone_hash = ?'), [
          allianceId,
          probe(i).phone,
          allianceId,
          `${probe(i).phone}%`,
          allianceId,
          hashes.get(probe(i).phone),
          allianceId,
          allianceId,
        ]),
    ],
    [
      'member list, first page',
      () => q(`${listed('')} ORDER BY f.joined_at DESC, f.member_id DESC LIMIT 21`, [allianceId, allianceId]),
    ],
    [
      'member list, 100th page (cursor)',
      () =>
        q(
          `${listed('')} AND (f.joined_at < ? OR (f.joined_at = ? AND f.member_id < ?))
           ORDER BY f.joined_at DESC, f.member_id DESC LIMIT 21`,
          [allianceId, allianceId, page100, page100, state.page100Key.id],
        ),
    ],
  ];
  for (const [label, op] of sqlOps) {
    const sql = await sample(settings.reportSamples, op);
    state.timings.push({ label, http: [], sql });
    state.ctx.log(
      `reports-1m: SQL ${label}: p50 ${fmt(percentile(sql, 50), 1)} ms, p99 ${fmt(percentile(sql, 99), 1)} ms`,
    );
  }
}

async function run(state: ReportState): Promise<void> {
  const { api, settings, log } = state.ctx;
  // the seeding and the rebuild before it may outlast the run's first token
  const token = await state.ctx.adminLogin();
  const today = businessDate(new Date());
  const get = async (path: string) => {
    const res = await api('GET', path, { token });
    if (res.status !== 200)
      throw new Error(`${path}: ${res.status} ${JSON.stringify(res.body).slice(0, 200)}`);
  };
  const probe = (i: number) => state.probes[i % state.probes.length]!;
  const period = (days: number) => `from=${addBusinessDays(today, 1 - days)}&to=${addBusinessDays(today, 1)}`;
  const httpOps: [string, (i: number) => Promise<void>][] = [
    ['overview, 30 days', () => get(`/admin/reports/overview?${period(30)}`)],
    ['overview, 365 days', () => get(`/admin/reports/overview?${period(365)}`)],
    ['member search by card number', (i) => get(`/admin/members?q=${probe(i).cardNo}`)],
    ['member search by phone', (i) => get(`/admin/members?q=${probe(i).phone}`)],
    ['member list, first page', () => get('/admin/members?limit=20')],
    [
      'member list, 100th page (cursor)',
      () => get(`/admin/members?limit=20&cursor=${encodeURIComponent(state.page100Cursor)}`),
    ],
  ];
  // The admin's requests count against its per-minute limit (RATE_LIMITS.default, 300): a read's
  // samples start in a fresh minute once the previous read's may have used it up.
  let windowStart = 0;
  for (const [label, op] of httpOps) {
    const wait = settings.reportSamples + 3 > 100 ? windowStart + 61_000 - Date.now() : 0;
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    windowStart = Date.now();
    const ms = await sample(settings.reportSamples, op);
    state.timings.find((t) => t.label === label)!.http = ms;
    log(
      `reports-1m: HTTP ${label}: p50 ${fmt(percentile(ms, 50), 1)} ms, p99 ${fmt(percentile(ms, 99), 1)} ms`,
    );
  }

  // The CSV export of every member, streamed; the server's peak RSS before and after.
  const pid = state.ctx.serverPid;
  const hwmBeforeKb = vmKb(pid, 'VmHWM');
  const t0 = Date.now();
  let lines = 0;
  const res = await longRequest(
    state.ctx,
    'GET',
    '/api/v1/admin/members.csv',
    { authorization: `Bearer ${token}` },
    (c) => {
      for (let i = c.indexOf(10); i !== -1; i = c.indexOf(10, i + 1)) lines++;
    },
    CSV_MAX_MS,
  );
  if (res.status !== 200) state.problems.push(`members.csv answered ${res.status}`);
  state.csv = {
    s: (Date.now() - t0) / 1000,
    bytes: res.bytes,
    lines,
    cut: res.cut,
    hwmBeforeKb,
    hwmAfterKb: vmKb(pid, 'VmHWM'),
  };
  log(`reports-1m: CSV ${lines} lines, ${(res.bytes / 1e6).toFixed(1)} MB in ${state.csv.s.toFixed(1)} s`);
}

async function verify(state: ReportState) {
  const rows = state.timings.map((t) => {
    const hp50 = percentile(t.http, 50);
    const hp99 = percentile(t.http, 99);
    const sp50 = percentile(t.sql, 50);
    const sp99 = percentile(t.sql, 99);
    return [
      t.label,
      String(t.http.length),
      fmt(hp50, 1),
      fmt(hp99, 1),
      fmt(sp50, 1),
      fmt(sp99, 1),
      hp50 !== null && sp50 ? `${fmt(hp50 / sp50, 2)}×` : '–',
      hp99 !== null && hp99 < TARGET_P99_MS ? 'yes' : '**no**',
    ];
  });
  const expectedLines = state.members + state.ctx.members.length + 1;
  if (state.csv && !state.csv.cut && state.csv.lines < expectedLines)
    state.problems.push(`members.csv has ${state.csv.lines} lines, expected at least ${expectedLines}`);
  const markdown = [
    `## reports-1m: reports and the member database at ${state.members.toLocaleString('en')} members`,
    '',
    `Seeded straight into MariaDB (INSERT … SELECT from seq_1_to_N, ${CHUNK.toLocaleString('en')} rows a statement): ` +
      `${state.members.toLocaleString('en')} members over 1,000 days, ${state.purchases.toLocaleString('en')} purchases ` +
      `(half paid orders, 7 % partly and 3 % fully refunded; half counter purchases, 2 % voided) at ${MERCHANTS} merchants; ` +
      `then POST /admin/reports/daily-stats/rebuild.`,
    '',
    ...table(
      [['step'], ['rows', 'num'], ['seconds', 'num']],
      [
        ...state.seed.map((s) => [s.step, s.rows.toLocaleString('en'), fmt(s.s, 1)]),
        [
          'daily stats rebuild (member days written)',
          (state.rebuild?.memberDays ?? 0).toLocaleString('en'),
          fmt(state.rebuild?.s, 1),
        ],
      ],
    ),
    '',
    `Each read ${state.ctx.settings.reportSamples} times one after the other (3 more not counted), over HTTP and as SQL ` +
      `through mysql2 (the reads the endpoint makes, without auth, JSON and the alliance's settings). ms; target p99 < ${TARGET_P99_MS} ms.`,
    '',
    ...table(
      [
        ['read'],
        ['n', 'num'],
        ['HTTP p50', 'num'],
        ['HTTP p99', 'num'],
        ['SQL p50', 'num'],
        ['SQL p99', 'num'],
        ['HTTP / SQL (p50)', 'num'],
        ['p99 < 300 ms'],
      ],
      rows,
    ),
    '',
    state.pageReached < 100
      ? `The cursor walk reached page ${state.pageReached} in 180 s: the "100th page" row measures that page.\n`
      : '',
    state.csv
      ? `GET /admin/members.csv: ${state.csv.lines.toLocaleString('en')} lines, ${(state.csv.bytes / 1e6).toFixed(1)} MB ` +
        `in ${fmt(state.csv.s, 1)} s${state.csv.cut ? ` (**cut after ${CSV_MAX_MS / 1000} s**, of ${expectedLines.toLocaleString('en')})` : ''}; server peak RSS (VmHWM) ${fmt(state.csv.hwmBeforeKb / 1024, 0)} MB before the export, ` +
        `${fmt(state.csv.hwmAfterKb / 1024, 0)} MB after.`
      : 'GET /admin/members.csv: not run.',
    '',
  ].join('\n');
  return { markdown, problems: state.problems };
}

export const reports1m: Scenario<ReportState> = {
  name: 'reports-1m',
  setup,
  baseline,
  run,
  verify,
};
