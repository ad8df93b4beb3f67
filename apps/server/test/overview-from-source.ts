import type { ReportsOverview } from '@allycard/contracts';
import { DataSource } from 'typeorm';
import { AlliancesService } from '../src/alliances/alliances.service';
import { LedgerService } from '../src/points/ledger.service';
import { permille, type ReportPeriod } from '../src/reports/report-period';
import type { TestApp } from './harness';

type Num = string | number | null;
const n = (v: Num | undefined): number => (v === null || v === undefined ? 0 : Number(v));
const PAID = `('paid', 'refunded', 'partially_refunded')`;

/**
 * The overview computed straight from the tables the purchases, members and coupons live in, by the
 * contract's definitions: the reports' first implementation, kept here as the reference the daily
 * stats (src/reports/daily-stats.ts) must always agree with.
 */
export class OverviewFromSource {
  private readonly dataSource: DataSource;
  private readonly alliances: AlliancesService;
  private readonly ledger: LedgerService;

  constructor(t: TestApp) {
    this.dataSource = t.dataSource;
    this.alliances = t.app.get(AlliancesService);
    this.ledger = t.app.get(LedgerService);
  }

  private get mysql() {
    return this.dataSource.options.type === 'mysql';
  }

  private time(d: Date): unknown {
    return this.dataSource.driver.preparePersistentValue(d, { type: 'datetime' } as never);
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

  /**
   * `p`: every purchase in the alliance (at the merchant) before `to`, one row each: id, k (0 order,
   * 1 counter), member_id, merchant_id, at, spend.
   */
  private purchases(allianceId: string, to: Date, merchantId: string | null) {
    const scope = merchantId ? ' AND o.merchant_id = ?' : '';
    const scopeR = merchantId ? ' AND r.merchant_id = ?' : '';
    const sql = `p AS (
        SELECT o.id AS id, 0 AS k, o.member_id AS member_id, o.merchant_id AS merchant_id, o.paid_at AS at,
          o.payable_fen - o.refunded_fen AS spend
        FROM orders o WHERE o.alliance_id = ? AND o.status IN ${PAID} AND o.paid_at < ?${scope}
        UNION ALL
        SELECT r.id, 1, r.member_id, r.merchant_id, r.created_at, r.amount_fen - r.member_day_discount_fen
        FROM redemptions r
        WHERE r.alliance_id = ? AND r.amount_fen > 0 AND r.voided_at IS NULL AND r.created_at < ?${scopeR}
      )`;
    const m = merchantId ? [merchantId] : [];
    return { sql, params: [allianceId, this.time(to), ...m, allianceId, this.time(to), ...m] };
  }

  async compute(
    allianceId: string,
    period: ReportPeriod,
    merchantId: string | null,
  ): Promise<ReportsOverview> {
    const { from, to } = period;
    const p = this.purchases(allianceId, to, merchantId);
    const ranked = `WITH ${p.sql}, ranked AS (
        SELECT p.*, ROW_NUMBER() OVER (PARTITION BY p.member_id ORDER BY p.at, p.k, p.id) AS n FROM p
      )`;
    const q = <T>(sql: string, params: unknown[]) => this.dataSource.query(sql, params) as Promise<T[]>;

    const [stats] = await q<{ purchases: Num; spend: Num; active: Num; later: Num }>(
      `${ranked} SELECT COUNT(*) AS purchases, SUM(spend) AS spend, COUNT(DISTINCT member_id) AS active,
         SUM(CASE WHEN n > 1 THEN spend ELSE 0 END) AS later
       FROM ranked WHERE at >= ?`,
      [...p.params, this.time(from)],
    );
    const [repeat] = await q<{ c: Num }>(
      `WITH ${p.sql} SELECT COUNT(*) AS c FROM (
         SELECT member_id FROM p WHERE at >= ? GROUP BY member_id HAVING COUNT(*) >= 2) x`,
      [...p.params, this.time(from)],
    );
    const spendDays = await q<{ d: string; active: Num; spend: Num }>(
      `WITH ${p.sql} SELECT ${this.day('at')} AS d, COUNT(DISTINCT member_id) AS active, SUM(spend) AS spend
       FROM p WHERE at >= ? GROUP BY ${this.day('at')}`,
      [...p.params, this.time(from)],
    );

    // The members counted: joined before `to` (with a merchant: joined there or bought there before `to`).
    const counted = `m.alliance_id = ? AND m.joined_at < ?${
      merchantId ? ' AND (m.join_merchant_id = ? OR EXISTS (SELECT 1 FROM p WHERE p.member_id = m.id))' : ''
    }`;
    const countedParams = [allianceId, this.time(to), ...(merchantId ? [merchantId] : [])];
    const tierRows = await q<{ tier_code: string; c: Num; fresh: Num }>(
      `WITH ${p.sql} SELECT m.tier_code, COUNT(*) AS c, SUM(CASE WHEN m.joined_at >= ? THEN 1 ELSE 0 END) AS fresh
       FROM members m WHERE ${counted} GROUP BY m.tier_code`,
      [...p.params, this.time(from), ...countedParams],
    );
    const joinDays = await q<{ d: string; c: Num }>(
      `WITH ${p.sql} SELECT ${this.day('m.joined_at')} AS d, COUNT(*) AS c
       FROM members m WHERE ${counted} AND m.joined_at >= ? GROUP BY ${this.day('m.joined_at')}`,
      [...p.params, ...countedParams, this.time(from)],
    );
    const [quick] = await q<{ c: Num }>(
      `WITH ${p.sql}, f AS (SELECT member_id, MIN(at) AS first_at FROM p GROUP BY member_id)
       SELECT COUNT(*) AS c FROM members m JOIN f ON f.member_id = m.id
       WHERE ${counted} AND m.joined_at >= ? AND f.first_at < ${this.plus7Days('m.joined_at')}`,
      [...p.params, ...countedParams, this.time(from)],
    );
    const [liability] = await q<{ points: Num }>(
      `WITH ${p.sql} SELECT SUM(pp.amount) AS points FROM points_postings pp
       WHERE pp.alliance_id = ? AND pp.account_kind = 'member' AND pp.created_at < ?${
         merchantId ? ` AND pp.owner_id IN (SELECT m.id FROM members m WHERE ${counted})` : ''
       }`,
      [...p.params, allianceId, this.time(to), ...(merchantId ? countedParams : [])],
    );

    // Coupons: issued (created) and used in the period; with a merchant, those of its own templates.
    const couponScope = merchantId
      ? ` AND c.template_id IN (SELECT t.id FROM coupon_templates t
           WHERE t.alliance_id = ? AND t.issuer_type = 'merchant' AND t.issuer_merchant_id = ?)`
      : '';
    const couponParams = merchantId ? [allianceId, merchantId] : [];
    const [coupons] = await q<{ issued: Num; used: Num }>(
      `SELECT
         (SELECT COUNT(*) FROM coupons c WHERE c.alliance_id = ? AND c.created_at >= ? AND c.created_at < ?${couponScope}) AS issued,
         (SELECT COUNT(*) FROM coupons c WHERE c.alliance_id = ? AND c.used_at >= ? AND c.used_at < ?${couponScope}) AS used`,
      [
        ...[allianceId, this.time(from), this.time(to), ...couponParams],
        ...[allianceId, this.time(from), this.time(to), ...couponParams],
      ],
    );

    const tiers = await this.alliances.tiers(allianceId);
    const policy = await this.ledger.policy(allianceId);
    const totalMembers = tierRows.reduce((s, r) => s + n(r.c), 0);
    const newMembers = tierRows.reduce((s, r) => s + n(r.fresh), 0);
    const purchases = n(stats.purchases);
    const spendFen = n(stats.spend);
    const activeMembers = n(stats.active);
    const issued = n(coupons.issued);
    const used = n(coupons.used);
    const joinsOn = new Map(joinDays.map((r) => [r.d, n(r.c)]));
    const spendOn = new Map(spendDays.map((r) => [r.d, r]));
    const known = new Set(tiers.map((t) => t.code));
    return {
      totalMembers,
      newMembers,
      activeMembers,
      activationPermille: permille(activeMembers, totalMembers),
      purchases,
      spendFen,
      averageTicketFen: purchases > 0 ? Math.floor(spendFen / purchases) : 0,
      repeatPermille: permille(n(repeat.c), activeMembers),
      secondPurchaseSharePermille: permille(n(stats.later), spendFen),
      firstPurchase7dPermille: permille(n(quick.c), newMembers),
      coupons: { issued, used, usedPermille: permille(used, issued) },
      pointsLiabilityFen: n(liability.points) * policy.pointValueFen,
      tiers: [
        ...tiers.map((t) => ({
          code: t.code,
          members: n(tierRows.find((r) => r.tier_code === t.code)?.c),
        })),
        // a tier the alliance no longer has still holds its members until their next review
        ...tierRows
          .filter((r) => !known.has(r.tier_code))
          .map((r) => ({ code: r.tier_code, members: n(r.c) })),
      ],
      series: period.days.map((date) => ({
        date,
        newMembers: joinsOn.get(date) ?? 0,
        activeMembers: n(spendOn.get(date)?.active),
        spendFen: n(spendOn.get(date)?.spend),
      })),
    };
  }
}
