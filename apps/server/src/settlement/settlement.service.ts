import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Principal } from '../common/auth';
import { validationFailed } from '../common/errors';
import { MerchantsService } from '../merchants/merchants.service';
import { LedgerService } from '../points/ledger.service';

export interface SettlementRow {
  party: 'merchant' | 'alliance' | 'breakage' | 'members';
  merchantId: string | null;
  name: string;
  /** points issued here (funded by this merchant, or by the alliance for rewards) */
  pointsFunded: number;
  /** points spent here */
  pointsRedeemed: number;
  /** points this party holds a claim for (+) or owes (−): the sum of its postings */
  pointsNet: number;
  pointsNetFen: number;
  /** discounts this merchant gave on coupons issued by others (owed to it) */
  couponsRedeemedHereFen: number;
  /** discounts given elsewhere on coupons this party issued (it bears them) */
  couponsBorneFen: number;
  /** + receivable, − payable; all rows sum to zero */
  netFen: number;
}

// eslint-disable-next-line no-restricted-syntax -- until H3 converts settlement to @allycard/domain calendar
const SHANGHAI = '+08:00';

/**
 * Settlement between the merchants of an alliance for a period. Points: every posting belongs to
 * exactly one party and every transaction sums to zero, so the parties' point positions sum to zero.
 * Coupons: a discount given at merchant M on a coupon issued by X (another merchant or the alliance)
 * is owed to M by X. Positive = receivable, negative = payable.
 */
@Injectable()
export class SettlementService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly merchants: MerchantsService,
    private readonly ledger: LedgerService,
  ) {}

  period(from?: string, to?: string): { from: Date; to: Date } {
    const parse = (value: string, field: string) => {
      const iso = /^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00${SHANGHAI}` : value;
      const date = new Date(iso);
      if (Number.isNaN(date.getTime()) || !/^\d{4}-\d{2}-\d{2}/.test(value))
        throw validationFailed([{ field, message: 'must be YYYY-MM-DD or an ISO-8601 time' }]);
      return date;
    };
    // eslint-disable-next-line no-restricted-syntax -- until H3 converts settlement to @allycard/domain calendar
    const now = new Date(Date.now() + 8 * 3600_000);
    const monthStart = new Date(`${now.toISOString().slice(0, 7)}-01T00:00:00${SHANGHAI}`);
    const start = from ? parse(from, 'from') : monthStart;
    // eslint-disable-next-line no-restricted-syntax -- until H3 converts settlement to @allycard/domain calendar
    const local = new Date(start.getTime() + 8 * 3600_000);
    const end = to
      ? parse(to, 'to')
      : // eslint-disable-next-line no-restricted-syntax -- until H3 converts settlement to @allycard/domain calendar
        new Date(Date.UTC(local.getUTCFullYear(), local.getUTCMonth() + 1, 1) - 8 * 3600_000);
    if (end <= start) throw validationFailed([{ field: 'to', message: 'must be after from' }]);
    return { from: start, to: end };
  }

  async report(who: Principal, from?: string, to?: string) {
    const period = this.period(from, to);
    const policy = await this.ledger.policy(who.allianceId);
    const driver = this.dataSource.driver;
    const at = (d: Date) => driver.preparePersistentValue(d, { type: 'datetime' } as never);
    const params = [who.allianceId, at(period.from), at(period.to)];

    const postings: {
      account_kind: string;
      owner_id: string | number;
      pos: string | number;
      neg: string | number;
    }[] = await this.dataSource.query(
      `SELECT account_kind, owner_id,
              COALESCE(SUM(CASE WHEN amount > 0 THEN amount ELSE 0 END), 0) AS pos,
              COALESCE(SUM(CASE WHEN amount < 0 THEN -amount ELSE 0 END), 0) AS neg
       FROM points_postings WHERE alliance_id = ? AND created_at >= ? AND created_at < ?
       GROUP BY account_kind, owner_id`,
      params,
    );
    // Coupon discounts given at a merchant: counter redemptions, and paid orders whose coupon was kept
    // (a full refund that returned the coupon undoes the discount).
    const coupons: {
      at_merchant: string | number;
      issuer_type: string;
      issuer_merchant_id: string | number | null;
      fen: string | number;
    }[] = await this.dataSource.query(
      `SELECT x.at_merchant, t.issuer_type, t.issuer_merchant_id, COALESCE(SUM(x.fen), 0) AS fen FROM (
           SELECT r.merchant_id AS at_merchant, r.coupon_id, r.coupon_discount_fen AS fen FROM redemptions r
           WHERE r.alliance_id = ? AND r.coupon_id IS NOT NULL AND r.created_at >= ? AND r.created_at < ?
           UNION ALL
           SELECT o.merchant_id, o.coupon_id, o.coupon_discount_fen FROM orders o
           WHERE o.alliance_id = ? AND o.coupon_id IS NOT NULL AND o.paid_at >= ? AND o.paid_at < ?
             AND o.status IN ('paid', 'partially_refunded', 'refunded')
             AND NOT EXISTS (SELECT 1 FROM refunds f WHERE f.order_id = o.id AND f.coupon_returned = 1)
         ) x JOIN coupons c ON c.id = x.coupon_id JOIN coupon_templates t ON t.id = c.template_id
         GROUP BY x.at_merchant, t.issuer_type, t.issuer_merchant_id`,
      [...params, ...params],
    );

    const merchants = await this.merchants.list(who.allianceId);
    const rows = new Map<string, SettlementRow>();
    const row = (
      key: string,
      party: SettlementRow['party'],
      name: string,
      merchantId: string | null = null,
    ) => {
      if (!rows.has(key)) {
        rows.set(key, {
          party,
          merchantId,
          name,
          pointsFunded: 0,
          pointsRedeemed: 0,
          pointsNet: 0,
          pointsNetFen: 0,
          couponsRedeemedHereFen: 0,
          couponsBorneFen: 0,
          netFen: 0,
        });
      }
      return rows.get(key)!;
    };
    for (const m of merchants) row(`m:${m.id}`, 'merchant', m.name, m.id);
    row('alliance', 'alliance', '联盟运营方');
    row('breakage', 'breakage', '过期积分（沉淀）');
    row('members', 'members', '会员未用积分（期间变动）');

    for (const p of postings) {
      const pos = Number(p.pos);
      const neg = Number(p.neg);
      const owner = String(p.owner_id);
      const target =
        p.account_kind === 'merchant_funding' || p.account_kind === 'merchant_redemption'
          ? row(`m:${owner}`, 'merchant', `商户 ${owner}`, owner)
          : p.account_kind === 'member'
            ? rows.get('members')!
            : rows.get(p.account_kind === 'breakage' ? 'breakage' : 'alliance')!;
      if (p.account_kind === 'merchant_funding' || p.account_kind === 'alliance') target.pointsFunded += neg;
      if (p.account_kind === 'merchant_redemption' || p.account_kind === 'alliance')
        target.pointsRedeemed += pos;
      target.pointsNet += pos - neg;
    }
    for (const c of coupons) {
      const fen = Number(c.fen);
      const atMerchant = String(c.at_merchant);
      const bearer =
        c.issuer_type === 'merchant' && c.issuer_merchant_id !== null
          ? `m:${c.issuer_merchant_id}`
          : 'alliance';
      // A merchant's own coupon redeemed at its own counter settles with nobody.
      if (bearer === `m:${atMerchant}`) continue;
      row(`m:${atMerchant}`, 'merchant', `商户 ${atMerchant}`, atMerchant).couponsRedeemedHereFen += fen;
      rows.get(bearer)!.couponsBorneFen += fen;
    }
    const all = [...rows.values()].map((r) => {
      const pointsNetFen = r.pointsNet * policy.pointValueFen;
      return { ...r, pointsNetFen, netFen: pointsNetFen + r.couponsRedeemedHereFen - r.couponsBorneFen };
    });
    const visible = who.role === 'merchant_admin' ? all.filter((r) => r.merchantId === who.merchantId) : all;
    return {
      from: period.from.toISOString(),
      to: period.to.toISOString(),
      pointValueFen: policy.pointValueFen,
      rows: visible,
      totalNetFen: visible.reduce((s, r) => s + r.netFen, 0),
      balanced: all.reduce((s, r) => s + r.netFen, 0) === 0 && all.reduce((s, r) => s + r.pointsNet, 0) === 0,
    };
  }

  toCsv(report: Awaited<ReturnType<SettlementService['report']>>): string {
    const header = [
      'party',
      'merchantId',
      'name',
      'pointsFunded',
      'pointsRedeemed',
      'pointsNet',
      'pointsNetFen',
      'couponsRedeemedHereFen',
      'couponsBorneFen',
      'netFen',
    ];
    const cell = (v: unknown) => {
      const s = v === null || v === undefined ? '' : String(v);
      // Quote everything that could break a cell, and defuse spreadsheet formulas.
      const safe = /^[=+\-@]/.test(s) && Number.isNaN(Number(s)) ? `'${s}` : s;
      return /[",\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
    };
    const lines = [
      header.join(','),
      ...report.rows.map((r) => header.map((h) => cell(r[h as keyof SettlementRow])).join(',')),
    ];
    // BOM so Excel opens the Chinese names as UTF-8.
    return '\ufeff' + lines.join('\r\n') + '\r\n';
  }
}
