import { Injectable } from '@nestjs/common';
import type { AcquisitionRow, ReportsAcquisition, ReportsOverview } from '@allycard/contracts';
import { businessDate } from '@allycard/domain';
import { DataSource } from 'typeorm';
import { AlliancesService } from '../alliances/alliances.service';
import type { Principal } from '../common/auth';
import { DomainError } from '../common/errors';
import { MerchantsService } from '../merchants/merchants.service';
import { LedgerService } from '../points/ledger.service';
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
        SELECT r.id, 1, r.member_id, r.merchant_id, r.created_at, r.amount_fen
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
