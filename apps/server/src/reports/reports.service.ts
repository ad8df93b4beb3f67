import { Injectable } from '@nestjs/common';
import type { AcquisitionRow, ReportsAcquisition, ReportsOverview } from '@allycard/contracts';
import { businessDate } from '@allycard/domain';
import { DataSource } from 'typeorm';
import { AlliancesService } from '../alliances/alliances.service';
import type { Principal } from '../common/auth';
import { DomainError } from '../common/errors';
import { MerchantsService } from '../merchants/merchants.service';
import { LedgerService } from '../points/ledger.service';
import { AFTER_ALL, ALLIANCE_SCOPE } from './daily-stats';
import { permille, readReportPeriod, type ReportPeriod } from './report-period';

type Num = string | number | null;
const n = (v: Num | undefined): number => (v === null || v === undefined ? 0 : Number(v));
const PAID = `('paid', 'refunded', 'partially_refunded')`;

/**
 * The overview and the acquisition funnel, read from the tables the purchases, members and coupons
 * live in by the contract's definitions (packages/domain members.ts): a purchase is a paid order
 * (refunded or not) or a counter purchase above 0 not voided; its spend is what was paid less what
 * was refunded; a member is active in a period with a purchase in it. Every query names the alliance;
 * with a merchant, purchases, spend, coupons and the members counted are that merchant's.
 */
@Injectable()
export class ReportsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly alliances: AlliancesService,
    private readonly merchants: MerchantsService,
    private readonly ledger: LedgerService,
  ) {}

  private get mysql() {
    return this.dataSource.options.type === 'mysql';
  }

  private time(d: Date): unknown {
    return this.dataSource.driver.preparePersistentValue(d, { type: 'datetime' } as never);
  }

  /** The merchant the figures are scoped to: always its own for a merchant admin. */
  async scope(who: Principal, merchantId?: string): Promise<string | null> {
    if (who.role === 'merchant_admin') {
      if (merchantId !== undefined && merchantId !== who.merchantId)
        throw new DomainError('FORBIDDEN', 403, '只能查看本商户的报表');
      return who.merchantId!;
    }
    if (merchantId === undefined) return null;
    await this.merchants.get(who.allianceId, merchantId);
    return merchantId;
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

  async overview(who: Principal, query: { from: string; to: string; merchantId?: string }) {
    const period = readReportPeriod(query.from, query.to);
    const merchantId = await this.scope(who, query.merchantId);
    return this.compute(who.allianceId, period, merchantId);
  }

  /**
   * The overview from the daily stats (daily-stats.ts): the period's days of daily_stats, the members
   * counted by `to` from member_counts and the distinct active members and repeaters from
   * purchase_gaps; coupons and the points liability from their own tables.
   */
  async compute(
    allianceId: string,
    period: ReportPeriod,
    merchantId: string | null,
  ): Promise<ReportsOverview> {
    const { from, to } = period;
    const fromDay = businessDate(from);
    const toDay = businessDate(to);
    const scope = merchantId ?? ALLIANCE_SCOPE;
    const q = <T>(sql: string, params: unknown[]) => this.dataSource.query(sql, params) as Promise<T[]>;

    const days = await q<{ d: string; purchases: Num; spend: Num; later: Num; active: Num }>(
      `SELECT business_date AS d, purchases, spend_fen AS spend, later_spend_fen AS later, active_members AS active
       FROM daily_stats WHERE alliance_id = ? AND merchant_id = ? AND business_date >= ? AND business_date < ?`,
      [allianceId, scope, fromDay, toDay],
    );
    // Members counted before `to`, by tier and (joined in the period) by join day.
    const counts = await q<{ tier_code: string; d: string; c: Num; quick: Num }>(
      `SELECT tier_code, CASE WHEN join_date >= ? THEN join_date ELSE '' END AS d, SUM(members) AS c,
         SUM(CASE WHEN quick_date <> '' AND quick_date < ? THEN members ELSE 0 END) AS quick
       FROM member_counts WHERE alliance_id = ? AND merchant_id = ? AND counted_date < ?
       GROUP BY tier_code, CASE WHEN join_date >= ? THEN join_date ELSE '' END`,
      [fromDay, toDay, allianceId, scope, toDay, fromDay],
    );
    // Distinct members: see purchase_gaps. Buyers ever = last gaps ('g' ending after all); inactive in
    // the period = gaps spanning it; single-purchase members = s − m − p spanning it.
    const gaps = await q<{ kind: string; spanning: Num; last: Num }>(
      `SELECT kind, SUM(CASE WHEN x_date < ? THEN n ELSE 0 END) AS spanning,
         SUM(CASE WHEN y_date = '${AFTER_ALL}' THEN n ELSE 0 END) AS last
       FROM purchase_gaps WHERE alliance_id = ? AND merchant_id = ? AND kind IN ('g', 's', 'm', 'p') AND y_date >= ?
       GROUP BY kind`,
      [fromDay, allianceId, scope, toDay],
    );
    const gap = (kind: string) => gaps.find((g) => g.kind === kind);
    const activeMembers = n(gap('g')?.last) - n(gap('g')?.spanning);
    const singles = n(gap('s')?.spanning) - n(gap('m')?.spanning) - n(gap('p')?.spanning);
    const repeaters = activeMembers - singles;
    const purchases = days.reduce((s, r) => s + n(r.purchases), 0);
    const spendFen = days.reduce((s, r) => s + n(r.spend), 0);
    const laterFen = days.reduce((s, r) => s + n(r.later), 0);
    const tierRows = new Map<string, number>();
    for (const r of counts) tierRows.set(r.tier_code, (tierRows.get(r.tier_code) ?? 0) + n(r.c));
    const fresh = counts.filter((r) => r.d !== '');
    const totalMembers = counts.reduce((s, r) => s + n(r.c), 0);
    const newMembers = fresh.reduce((s, r) => s + n(r.c), 0);
    const quick = fresh.reduce((s, r) => s + n(r.quick), 0);
    const joinsOn = new Map<string, number>();
    for (const r of fresh) joinsOn.set(r.d, (joinsOn.get(r.d) ?? 0) + n(r.c));
    const dayRows = new Map(days.map((r) => [r.d, r]));

    // Unspent points at `to`: the member accounts' postings (with a merchant, of the members counted).
    const [liability] = await q<{ points: Num }>(
      `SELECT SUM(pp.amount) AS points FROM points_postings pp
       WHERE pp.alliance_id = ? AND pp.account_kind = 'member' AND pp.created_at < ?${
         merchantId
           ? ` AND pp.owner_id IN (SELECT r.member_id FROM report_members r
                WHERE r.alliance_id = ? AND r.merchant_id = ? AND r.counted_date < ?)`
           : ''
       }`,
      [allianceId, this.time(to), ...(merchantId ? [allianceId, merchantId, toDay] : [])],
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
    const issued = n(coupons.issued);
    const used = n(coupons.used);
    const known = new Set(tiers.map((t) => t.code));
    return {
      totalMembers,
      newMembers,
      activeMembers,
      activationPermille: permille(activeMembers, totalMembers),
      purchases,
      spendFen,
      averageTicketFen: purchases > 0 ? Math.floor(spendFen / purchases) : 0,
      repeatPermille: permille(repeaters, activeMembers),
      secondPurchaseSharePermille: permille(laterFen, spendFen),
      firstPurchase7dPermille: permille(quick, newMembers),
      coupons: { issued, used, usedPermille: permille(used, issued) },
      pointsLiabilityFen: n(liability.points) * policy.pointValueFen,
      tiers: [
        ...tiers.map((t) => ({ code: t.code, members: tierRows.get(t.code) ?? 0 })),
        // a tier the alliance no longer has still holds its members until their next review
        ...[...tierRows]
          .filter(([code, members]) => !known.has(code) && members > 0)
          .map(([code, members]) => ({ code, members })),
      ],
      series: period.days.map((date) => ({
        date,
        newMembers: joinsOn.get(date) ?? 0,
        activeMembers: n(dayRows.get(date)?.active),
        spendFen: n(dayRows.get(date)?.spend),
      })),
    };
  }

  /**
   * The funnel per 小程序码 (its merchant and campaign), then friends' referrals and direct joins:
   * scans, members who joined in the period, the row's members whose first purchase in the alliance
   * fell in the period, and of those the ones with a second purchase before `to`.
   * A merchant admin sees its own codes' rows only.
   */
  async acquisition(who: Principal, query: { from: string; to: string }): Promise<ReportsAcquisition> {
    const { from, to } = readReportPeriod(query.from, query.to);
    const merchantId = who.role === 'merchant_admin' ? who.merchantId! : null;
    const p = this.purchases(who.allianceId, to, null);
    const q = <T>(sql: string, params: unknown[]) => this.dataSource.query(sql, params) as Promise<T[]>;
    const key = `CASE WHEN m.join_qrcode_id IS NOT NULL THEN 'qrcode' WHEN m.join_source = 'share' THEN 'referral' ELSE 'direct' END`;

    const codes = await q<{ id: Num; merchant_id: Num; campaign: string | null; scans: Num }>(
      `SELECT qr.id, qr.merchant_id, qr.campaign,
         (SELECT SUM(s.scans) FROM scene_daily_scans s
          WHERE s.alliance_id = qr.alliance_id AND s.qrcode_id = qr.id AND s.business_date >= ? AND s.business_date < ?) AS scans
       FROM qrcodes qr WHERE qr.alliance_id = ?${merchantId ? ' AND qr.merchant_id = ?' : ''} ORDER BY qr.id`,
      [businessDate(from), businessDate(to), who.allianceId, ...(merchantId ? [merchantId] : [])],
    );
    const funnel = await q<{ channel: string; qrcode_id: Num; joins: Num; firsts: Num; repeaters: Num }>(
      `WITH ${p.sql}, ranked AS (
          SELECT p.member_id, p.at, ROW_NUMBER() OVER (PARTITION BY p.member_id ORDER BY p.at, p.k, p.id) AS n FROM p
        ), f AS (
          SELECT member_id, MAX(CASE WHEN n = 1 THEN at END) AS first_at, MAX(CASE WHEN n = 2 THEN at END) AS second_at
          FROM ranked WHERE n <= 2 GROUP BY member_id
        )
       SELECT ${key} AS channel, m.join_qrcode_id AS qrcode_id,
         SUM(CASE WHEN m.joined_at >= ? THEN 1 ELSE 0 END) AS joins,
         SUM(CASE WHEN f.first_at >= ? THEN 1 ELSE 0 END) AS firsts,
         SUM(CASE WHEN f.first_at >= ? AND f.second_at IS NOT NULL THEN 1 ELSE 0 END) AS repeaters
       FROM members m LEFT JOIN f ON f.member_id = m.id
       WHERE m.alliance_id = ? AND m.joined_at < ?${
         merchantId
           ? ' AND m.join_qrcode_id IN (SELECT qr.id FROM qrcodes qr WHERE qr.alliance_id = ? AND qr.merchant_id = ?)'
           : ''
       }
       GROUP BY ${key}, m.join_qrcode_id`,
      [
        ...p.params,
        this.time(from),
        this.time(from),
        this.time(from),
        who.allianceId,
        this.time(to),
        ...(merchantId ? [who.allianceId, merchantId] : []),
      ],
    );
    const byCode = new Map(funnel.filter((r) => r.qrcode_id !== null).map((r) => [String(r.qrcode_id), r]));
    const rows: AcquisitionRow[] = codes.map((c) => {
      const f = byCode.get(String(c.id));
      return {
        merchantId: String(c.merchant_id),
        qrcodeId: String(c.id),
        campaign: c.campaign,
        channel: 'qrcode',
        scans: n(c.scans),
        joins: n(f?.joins),
        firstPurchases: n(f?.firsts),
        repeaters: n(f?.repeaters),
      };
    });
    if (!merchantId)
      for (const channel of ['referral', 'direct'] as const) {
        const f = funnel.find((r) => r.channel === channel);
        rows.push({
          merchantId: null,
          qrcodeId: null,
          campaign: null,
          channel,
          scans: 0,
          joins: n(f?.joins),
          firstPurchases: n(f?.firsts),
          repeaters: n(f?.repeaters),
        });
      }
    return { rows };
  }
}
