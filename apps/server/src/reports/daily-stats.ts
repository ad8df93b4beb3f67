import { Injectable, Logger } from '@nestjs/common';
import type { DailyStatsRebuild } from '@allycard/contracts';
import { DataSource, EntityManager } from 'typeorm';
import { TransactionRunner } from '../common/transactions';
import { MembersService } from '../members/members.service';

/** The scope of the whole alliance in the stats tables' merchant_id. */
export const ALLIANCE_SCOPE = '0';
/** Before the first and after the last purchase day, in purchase_gaps. */
export const BEFORE_ALL = '0000-00-00';
export const AFTER_ALL = '9999-12-31';

const PAID = `('paid', 'refunded', 'partially_refunded')`;

type Num = string | number | null;
const n = (v: Num | undefined): number => (v === null || v === undefined ? 0 : Number(v));

/**
 * Whose rows a statement works on: the whole alliance (null), some members (their ids) or a batch of
 * member ids `from` ≤ id < `to` (`to` null: no upper bound).
 */
type Members = null | string[] | { from: string; to: string | null };

/** At most this many members' refreshes run as one transaction (see `refresh`). */
export const REFRESH_BATCH_MEMBERS = 100;

type Waiter = { resolve: () => void; reject: (error: unknown) => void };

/** Members per batch of the rebuild: each batch is one transaction over its members' purchases. */
export const REBUILD_BATCH_MEMBERS = 20_000;

/**
 * Pre-aggregated figures of the overview (reports.service.ts reads them), kept by SQL that works on
 * a whole alliance or one member alike:
 *
 * - member_days: per member, scope (0 = the alliance, else a merchant) and Asia/Shanghai day its
 *   purchases (paid orders, refunded or not; counter purchases above 0 not voided), their spend (paid
 *   less refunded), the spend of those that were not its first in the scope, and its first's time.
 * - report_members: per member and scope, its join day, the day it counts in the scope from (joined,
 *   for the alliance and its join merchant; else its first purchase there), its tier and, when its
 *   first purchase in the scope came within 7 days of joining, that day; and its figures in the scope
 *   (joined_at, purchases, spend, first and last purchase time), which the member list pages on
 *   (member-database/member-list.service.ts).
 * - daily_stats, member_counts and purchase_gaps: the sums of those over the members.
 *
 * A member's event (joined, order paid, refund, counter purchase recorded or voided, tier changed)
 * calls `refresh` once the event's transaction committed: the member's old rows are taken off the
 * sums, recomputed from the source tables and added back. Recomputing (not counting) makes
 * redelivery, retries and a lost refresh harmless (the next event of the member, or the nightly
 * rebuild, puts it right).
 * `rebuild` recomputes an alliance the same way in batches of members, each its own transaction.
 */
@Injectable()
export class DailyStatsService {
  private readonly logger = new Logger(DailyStatsService.name);
  /** Per alliance, the members whose refresh waits, and who waits for it; the alliances draining. */
  private readonly waiting = new Map<string, Map<string, Waiter[]>>();
  private readonly draining = new Set<string>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly tx: TransactionRunner,
    private readonly members: MembersService,
  ) {}

  private get mysql() {
    return this.dataSource.options.type === 'mysql';
  }

  /** The business day (Asia/Shanghai, fixed UTC+8) of a stored UTC time, as 'YYYY-MM-DD'. */
  private day(column: string): string {
    return this.mysql
      ? `DATE_FORMAT(DATE_ADD(${column}, INTERVAL 8 HOUR), '%Y-%m-%d')`
      : `date(${column}, '+8 hours')`;
  }

  private plus7Days(column: string): string {
    return this.mysql
      ? `DATE_ADD(${column}, INTERVAL 7 DAY)`
      : `strftime('%Y-%m-%d %H:%M:%f', ${column}, '+7 days')`;
  }

  /** Adds the inserted counts to an existing row of the key instead of failing on it. */
  private addOnConflict(key: string[], counts: string[]): string {
    return this.mysql
      ? `ON DUPLICATE KEY UPDATE ${counts.map((c) => `${c} = ${c} + VALUES(${c})`).join(', ')}`
      : `ON CONFLICT (${key.join(', ')}) DO UPDATE SET ${counts.map((c) => `${c} = ${c} + excluded.${c}`).join(', ')}`;
  }

  /** `AND <column> IN (…)` (some members) or `AND <column> >= ? AND <column> < ?` (a batch of ids). */
  private only(column: string, members: Members): [string, unknown[]] {
    if (members === null) return ['', []];
    if (Array.isArray(members)) return [` AND ${column} IN (${members.map(() => '?').join(', ')})`, members];
    return members.to === null
      ? [` AND ${column} >= ?`, [members.from]]
      : [` AND ${column} >= ? AND ${column} < ?`, [members.from, members.to]];
  }

  /** Every purchase of the alliance (the member), once per scope: the alliance's and its merchant's. */
  private scopedPurchases(allianceId: string, memberId: Members): [string, unknown[]] {
    const [o, op] = this.only('o.member_id', memberId);
    const [r, rp] = this.only('r.member_id', memberId);
    const purchases = `SELECT o.id AS id, 0 AS k, o.member_id AS member_id, o.merchant_id AS merchant_id,
          o.paid_at AS at, o.payable_fen - o.refunded_fen AS spend
        FROM orders o WHERE o.alliance_id = ? AND o.status IN ${PAID}${o}
        UNION ALL
        SELECT r.id, 1, r.member_id, r.merchant_id, r.created_at, r.amount_fen - r.member_day_discount_fen
        FROM redemptions r WHERE r.alliance_id = ? AND r.amount_fen > 0 AND r.voided_at IS NULL${r}`;
    const params = [allianceId, ...op, allianceId, ...rp];
    return [
      `SELECT 0 AS scope, p.* FROM (${purchases}) p
       UNION ALL SELECT p.merchant_id AS scope, p.* FROM (${purchases}) p`,
      [...params, ...params],
    ];
  }

  /** Writes the member rows (member_days, then report_members) from the source tables. */
  private async writeMemberRows(em: EntityManager, allianceId: string, memberId: Members) {
    const [scoped, scopedParams] = this.scopedPurchases(allianceId, memberId);
    await em.query(
      `INSERT INTO member_days
         (alliance_id, merchant_id, member_id, business_date, purchases, spend_fen, later_spend_fen, first_at)
       SELECT ?, r.scope, r.member_id, ${this.day('r.at')}, COUNT(*), SUM(r.spend),
         SUM(CASE WHEN r.n > 1 THEN r.spend ELSE 0 END), MIN(CASE WHEN r.n = 1 THEN r.at END)
       FROM (SELECT s.*, ROW_NUMBER() OVER (PARTITION BY s.scope, s.member_id ORDER BY s.at, s.k, s.id) AS n
             FROM (${scoped}) s) r
       GROUP BY r.scope, r.member_id, ${this.day('r.at')}`,
      [allianceId, ...scopedParams],
    );
    const [m1, mp1] = this.only('m.id', memberId);
    const joinDay = this.day('m.joined_at');
    // The member's figures in the scope (the member list's columns: member-database reads them) come
    // from the purchases themselves: count, spend, first and last time.
    await em.query(
      `INSERT INTO report_members
         (alliance_id, merchant_id, member_id, join_date, counted_date, tier_code, quick_date,
          joined_at, purchases, spend_fen, first_at, last_at)
       SELECT m.alliance_id, sc.scope, m.id, ${joinDay},
         CASE WHEN sc.scope = 0 OR sc.scope = m.join_merchant_id OR sc.first_day < ${joinDay}
           THEN ${joinDay} ELSE sc.first_day END,
         m.tier_code,
         CASE WHEN sc.first_at < ${this.plus7Days('m.joined_at')} THEN sc.first_day ELSE '' END,
         m.joined_at, sc.purchases, sc.spend, sc.first_at, sc.last_at
       FROM (
         SELECT x.scope, x.member_id, MIN(x.first_day) AS first_day, MIN(x.at) AS first_at,
           SUM(x.purchases) AS purchases, SUM(x.spend) AS spend, MAX(x.at) AS last_at FROM (
           SELECT 0 AS scope, m.id AS member_id, NULL AS first_day, NULL AS at, 0 AS purchases, 0 AS spend
           FROM members m WHERE m.alliance_id = ?${m1}
           UNION ALL
           SELECT m.join_merchant_id, m.id, NULL, NULL, 0, 0
           FROM members m WHERE m.alliance_id = ? AND m.join_merchant_id IS NOT NULL${m1}
           UNION ALL
           SELECT s.scope, s.member_id, ${this.day('s.at')}, s.at, 1, s.spend FROM (${scoped}) s
         ) x GROUP BY x.scope, x.member_id
       ) sc JOIN members m ON m.id = sc.member_id AND m.alliance_id = ?`,
      [allianceId, ...mp1, allianceId, ...mp1, ...scopedParams, allianceId],
    );
  }

  /** Adds `sign` × the member rows (all of the alliance's, or one member's) to the sums. */
  private async addToSums(em: EntityManager, allianceId: string, memberId: Members, sign: 1 | -1) {
    const [d, dp] = this.only('d.member_id', memberId);
    // SQLite needs a WHERE before an upsert's ON CONFLICT after a SELECT; both have one here.
    await em.query(
      `INSERT INTO daily_stats
         (alliance_id, merchant_id, business_date, purchases, spend_fen, later_spend_fen, active_members)
       SELECT d.alliance_id, d.merchant_id, d.business_date, ${sign} * SUM(d.purchases),
         ${sign} * SUM(d.spend_fen), ${sign} * SUM(d.later_spend_fen), ${sign} * COUNT(*)
       FROM member_days d WHERE d.alliance_id = ?${d}
       GROUP BY d.alliance_id, d.merchant_id, d.business_date
       ${this.addOnConflict(
         ['alliance_id', 'merchant_id', 'business_date'],
         ['purchases', 'spend_fen', 'later_spend_fen', 'active_members'],
       )}`,
      [allianceId, ...dp],
    );
    const [rm, rmp] = this.only('r.member_id', memberId);
    await em.query(
      `INSERT INTO member_counts
         (alliance_id, merchant_id, counted_date, join_date, tier_code, quick_date, members)
       SELECT r.alliance_id, r.merchant_id, r.counted_date, r.join_date, r.tier_code, r.quick_date,
         ${sign} * COUNT(*)
       FROM report_members r WHERE r.alliance_id = ?${rm}
       GROUP BY r.alliance_id, r.merchant_id, r.counted_date, r.join_date, r.tier_code, r.quick_date
       ${this.addOnConflict(
         ['alliance_id', 'merchant_id', 'counted_date', 'join_date', 'tier_code', 'quick_date'],
         ['members'],
       )}`,
      [allianceId, ...rmp],
    );
    // Each purchase day with the previous and next of the member in the scope, then the pairs each
    // kind of gap takes from it (see purchase_gaps in the migration; 'l', the gap after the last day,
    // is a 'g'; lower-case letters only, as MySQL's collation compares 'g' = 'G').
    const w = `SELECT d.alliance_id, d.merchant_id, d.business_date AS day, d.purchases,
        COALESCE(LAG(d.business_date) OVER (PARTITION BY d.merchant_id, d.member_id ORDER BY d.business_date), '${BEFORE_ALL}') AS prev,
        COALESCE(LEAD(d.business_date) OVER (PARTITION BY d.merchant_id, d.member_id ORDER BY d.business_date), '${AFTER_ALL}') AS next
      FROM member_days d WHERE d.alliance_id = ?${d}`;
    const kinds = `SELECT 'g' AS kind UNION ALL SELECT 'l' UNION ALL SELECT 's' UNION ALL SELECT 'm' UNION ALL SELECT 'p'`;
    await em.query(
      `INSERT INTO purchase_gaps (alliance_id, merchant_id, kind, y_date, x_date, n)
       SELECT g.alliance_id, g.merchant_id, g.kind, g.y, g.x, ${sign} * COUNT(*) FROM (
         SELECT w.alliance_id, w.merchant_id,
           CASE WHEN k.kind = 'l' THEN 'g' ELSE k.kind END AS kind,
           CASE WHEN k.kind IN ('g', 'p') THEN w.day ELSE w.next END AS y,
           CASE WHEN k.kind IN ('l', 'm') THEN w.day ELSE w.prev END AS x
         FROM (${w}) w JOIN (${kinds}) k
           ON k.kind = 'g' OR (k.kind = 'l' AND w.next = '${AFTER_ALL}') OR (k.kind IN ('s', 'm', 'p') AND w.purchases = 1)
       ) g WHERE 1 = 1
       GROUP BY g.alliance_id, g.merchant_id, g.kind, g.y, g.x
       ${this.addOnConflict(['alliance_id', 'merchant_id', 'kind', 'y_date', 'x_date'], ['n'])}`,
      [allianceId, ...dp],
    );
  }

  /**
   * Recomputes a member's rows and their share of the sums, after the event's transaction committed;
   * resolves once that is committed. The members whose events arrive together are refreshed as one
   * transaction (up to REFRESH_BATCH_MEMBERS, one transaction at a time per alliance and process):
   * every refresh adds to the same sum rows (today's daily_stats, member_counts, purchase_gaps),
   * whose locks would otherwise serialise the purchases of a busy alliance one refresh at a time.
   * On MySQL it runs READ COMMITTED (each statement reads the latest committed rows and takes no gap
   * locks), with the members' rows locked first in id order; a deadlock with another process's
   * refresh on a shared sum row is retried.
   */
  refresh(allianceId: string, memberId: string): Promise<void> {
    return new Promise((resolve, reject) => {
      let waiting = this.waiting.get(allianceId);
      if (!waiting) this.waiting.set(allianceId, (waiting = new Map()));
      waiting.set(memberId, [...(waiting.get(memberId) ?? []), { resolve, reject }]);
      if (!this.draining.has(allianceId)) void this.drain(allianceId);
    });
  }

  /** Refreshes the alliance's waiting members, a batch at a time, until none waits. */
  private async drain(allianceId: string): Promise<void> {
    this.draining.add(allianceId);
    try {
      for (;;) {
        const waiting = this.waiting.get(allianceId);
        if (!waiting || waiting.size === 0) break;
        const batch = [...waiting.keys()].slice(0, REFRESH_BATCH_MEMBERS);
        const waiters = batch.flatMap((id) => {
          const w = waiting.get(id)!;
          waiting.delete(id);
          return w;
        });
        try {
          await this.recompute(allianceId, batch);
          for (const w of waiters) w.resolve();
        } catch (error) {
          for (const w of waiters) w.reject(error);
        }
      }
    } finally {
      this.draining.delete(allianceId);
      this.waiting.delete(allianceId);
    }
  }

  /** `refresh` for one member or a batch of members: its own transaction, retried on a deadlock. */
  private async recompute(allianceId: string, members: Exclude<Members, null>): Promise<void> {
    if (!this.mysql) {
      await this.tx.run((em) => this.recomputeIn(em, allianceId, members));
      return;
    }
    for (let attempt = 1; ; attempt++) {
      try {
        await this.dataSource.transaction('READ COMMITTED', (em) =>
          this.recomputeIn(em, allianceId, members),
        );
        return;
      } catch (error) {
        const code = (error as { driverError?: { code?: string } }).driverError?.code;
        if (attempt >= 8 || (code !== 'ER_LOCK_DEADLOCK' && code !== 'ER_LOCK_WAIT_TIMEOUT')) throw error;
        await new Promise((r) => setTimeout(r, 5 * attempt + Math.random() * 20));
      }
    }
  }

  /**
   * The members' old rows taken off the sums, recomputed from the source tables and added back: the
   * sums equal the sum of the member rows after every commit.
   */
  private async recomputeIn(em: EntityManager, allianceId: string, members: Exclude<Members, null>) {
    // In id order, as every refresh and batch locks, so two of them never wait on each other crosswise.
    await this.members.lockInIdOrder(em, allianceId, members);
    // A batch's window sorts and groupings hold some 10⁵–10⁶ rows: in memory, not in an on-disk
    // temporary table (MariaDB's default limit is 16 MB), for this connection while the batch runs.
    const batch = this.mysql && !Array.isArray(members);
    if (batch) await em.query('SET SESSION tmp_table_size = 268435456, max_heap_table_size = 268435456');
    try {
      await this.addToSums(em, allianceId, members, -1);
      const [d, dp] = this.only('member_id', members);
      await em.query(`DELETE FROM member_days WHERE alliance_id = ?${d}`, [allianceId, ...dp]);
      await em.query(`DELETE FROM report_members WHERE alliance_id = ?${d}`, [allianceId, ...dp]);
      await this.writeMemberRows(em, allianceId, members);
      await this.addToSums(em, allianceId, members, 1);
    } finally {
      if (batch) await em.query('SET SESSION tmp_table_size = DEFAULT, max_heap_table_size = DEFAULT');
    }
  }

  /**
   * Recomputes an alliance's stats from the source tables in batches of REBUILD_BATCH_MEMBERS members
   * by id, each batch a transaction of its own (as a refresh is for one member): no statement reads
   * or sorts more than a batch's purchases, and the sums stay consistent with the member rows between
   * batches. The last batch has no upper bound, so rows of members no longer in `members` go too.
   */
  async rebuild(allianceId: string, batchMembers = REBUILD_BATCH_MEMBERS): Promise<DailyStatsRebuild> {
    const started = Date.now();
    let from = '0';
    let batches = 0;
    for (;;) {
      const [next] = (await this.dataSource.query(
        `SELECT id FROM members WHERE alliance_id = ? AND id >= ? ORDER BY id LIMIT 1 OFFSET ${Number(batchMembers)}`,
        [allianceId, from],
      )) as { id: Num }[];
      const to = next ? String(next.id) : null;
      await this.recompute(allianceId, { from, to });
      batches++;
      if (to === null) break;
      from = to;
    }
    const [row] = (await this.dataSource.query(
      `SELECT (SELECT COUNT(*) FROM members WHERE alliance_id = ?) AS members,
         (SELECT COUNT(*) FROM member_days WHERE alliance_id = ?) AS days`,
      [allianceId, allianceId],
    )) as { members: Num; days: Num }[];
    const counts = { members: n(row.members), memberDays: n(row.days) };
    this.logger.log(
      `alliance ${allianceId}: rebuilt the daily stats of ${counts.members} members, ${counts.memberDays} member days in ${batches} batches, ${Date.now() - started} ms`,
    );
    return counts;
  }

  /** Rebuilds every alliance's stats (the nightly job), one alliance at a time. */
  async rebuildAll(): Promise<void> {
    const alliances = (await this.dataSource.query('SELECT id FROM alliances ORDER BY id')) as { id: Num }[];
    for (const a of alliances) await this.rebuild(String(a.id));
  }
}
