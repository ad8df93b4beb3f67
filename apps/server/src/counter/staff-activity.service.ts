import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type {
  StaffActivityFlag,
  StaffActivityReport,
  StaffActivityRow,
  StaffRole,
} from '@allycard/contracts';
import { DataSource } from 'typeorm';
import { StaffLimitsService } from '../alliances/staff-limits.service';
import { Principal } from '../common/auth';
import { MerchantsService } from '../merchants/merchants.service';
import { reportPeriod } from '../settlement/period';

/** A total this many times the merchant's usual is flagged … */
const FLAG_RATIO = 3;
/** … once it is at least this much (¥500): a quiet week's small numbers are not anomalies. */
const FLAG_MIN_FEN = 50_000;
/** A single purchase above this share of the clerk's limit, per mille, is flagged. */
const NEAR_LIMIT_PERMILLE = 800;
const REFUSALS_LISTED = 200;

type Num = string | number;

/** The median of a non-empty list (the mean of the middle two for an even count, rounded down). */
function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : Math.floor((sorted[mid - 1] + sorted[mid]) / 2);
}

/** The median of the other staff of the same merchant who have a non-zero total; null when none. */
function usualOfOthers(
  rows: StaffActivityRow[],
  self: StaffActivityRow,
  total: (r: StaffActivityRow) => number,
) {
  const others = rows
    .filter((r) => r.merchantId === self.merchantId && r !== self && total(r) > 0)
    .map(total);
  return others.length ? median(others) : null;
}

const above = (total: number, usual: number | null) =>
  usual !== null && total >= FLAG_MIN_FEN && total >= FLAG_RATIO * usual;

/**
 * The anomaly view (异常监控): per staff account, its counter purchases and refunds in a period against
 * the usual of the other staff of its merchant, and the limits that stopped it.
 */
@Injectable()
export class StaffActivityService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly merchants: MerchantsService,
    private readonly limits: StaffLimitsService,
  ) {}

  async report(
    who: Principal,
    query: { from?: string; to?: string; merchantId?: string },
  ): Promise<StaffActivityReport> {
    const period = reportPeriod(query.from, query.to);
    const merchantId = who.role === 'merchant_admin' ? who.merchantId! : query.merchantId;
    if (merchantId) await this.merchants.get(who.allianceId, merchantId);
    const at = (d: Date) => this.dataSource.driver.preparePersistentValue(d, { type: 'datetime' } as never);
    const scope = (column: string) => (merchantId ? ` AND ${column} = ?` : '');
    const params = [who.allianceId, at(period.from), at(period.to), ...(merchantId ? [merchantId] : [])];

    const [purchases, refunds, refusalCounts, refusals] = await Promise.all([
      this.dataSource.query(
        `SELECT staff_id, merchant_id, COUNT(*) AS n, SUM(amount_fen) AS fen, MAX(amount_fen) AS largest,
                COUNT(DISTINCT member_id) AS members
         FROM redemptions
         WHERE alliance_id = ? AND created_at >= ? AND created_at < ? AND amount_fen > 0 AND voided_at IS NULL${scope('merchant_id')}
         GROUP BY staff_id, merchant_id`,
        params,
      ) as Promise<{ staff_id: Num; merchant_id: Num; n: Num; fen: Num; largest: Num; members: Num }[]>,
      this.dataSource.query(
        `SELECT f.staff_id, o.merchant_id, COUNT(*) AS n, SUM(f.amount_fen) AS fen
         FROM refunds f JOIN orders o ON o.id = f.order_id
         WHERE f.alliance_id = ? AND f.created_at >= ? AND f.created_at < ? AND f.status <> 'failed'
           AND f.staff_id IS NOT NULL${scope('o.merchant_id')}
         GROUP BY f.staff_id, o.merchant_id`,
        params,
      ) as Promise<{ staff_id: Num; merchant_id: Num; n: Num; fen: Num }[]>,
      this.dataSource.query(
        `SELECT staff_id, merchant_id, COUNT(*) AS n FROM staff_refusals
         WHERE alliance_id = ? AND created_at >= ? AND created_at < ?${scope('merchant_id')}
         GROUP BY staff_id, merchant_id`,
        params,
      ) as Promise<{ staff_id: Num; merchant_id: Num; n: Num }[]>,
      this.limits.refusals(who.allianceId, period, merchantId, REFUSALS_LISTED),
    ]);

    const rows = new Map<string, StaffActivityRow>();
    const rowOf = (staffId: Num, merchant: Num) => {
      const key = `${staffId}:${merchant}`;
      if (!rows.has(key))
        rows.set(key, {
          staffId: String(staffId),
          username: null,
          role: null,
          merchantId: String(merchant),
          merchantName: null,
          purchases: 0,
          purchasesFen: 0,
          largestPurchaseFen: 0,
          members: 0,
          refunds: 0,
          refundsFen: 0,
          refusals: 0,
          usualPurchasesFen: null,
          purchasesRatioPermille: null,
          usualRefundsFen: null,
          flags: [],
          flagged: false,
        });
      return rows.get(key)!;
    };
    for (const p of purchases) {
      Object.assign(rowOf(p.staff_id, p.merchant_id), {
        purchases: Number(p.n),
        purchasesFen: Number(p.fen),
        largestPurchaseFen: Number(p.largest),
        members: Number(p.members),
      });
    }
    for (const f of refunds)
      Object.assign(rowOf(f.staff_id, f.merchant_id), { refunds: Number(f.n), refundsFen: Number(f.fen) });
    for (const r of refusalCounts) rowOf(r.staff_id, r.merchant_id).refusals = Number(r.n);

    const list = [...rows.values()];
    await this.name(who.allianceId, list);
    const limitOf = new Map<string, number>();
    for (const id of new Set(list.map((r) => r.merchantId)))
      limitOf.set(id, (await this.limits.limitsAt(who.allianceId, id)).counterPurchaseMaxFen);
    for (const r of list) {
      r.usualPurchasesFen = usualOfOthers(list, r, (x) => x.purchasesFen);
      r.usualRefundsFen = usualOfOthers(list, r, (x) => x.refundsFen);
      r.purchasesRatioPermille =
        r.usualPurchasesFen === null ? null : Math.floor((r.purchasesFen * 1000) / r.usualPurchasesFen);
      const flags: StaffActivityFlag[] = [];
      if (above(r.purchasesFen, r.usualPurchasesFen)) flags.push('above_usual');
      if (r.largestPurchaseFen * 1000 > limitOf.get(r.merchantId)! * NEAR_LIMIT_PERMILLE)
        flags.push('near_limit');
      if (above(r.refundsFen, r.usualRefundsFen)) flags.push('refunds_above_usual');
      if (r.refusals > 0) flags.push('refused');
      Object.assign(r, { flags, flagged: flags.length > 0 });
    }
    list.sort((a, b) => Number(b.flagged) - Number(a.flagged) || b.purchasesFen - a.purchasesFen);
    const usernames = new Map(list.map((r) => [r.staffId, r.username]));
    return {
      from: period.from.toISOString(),
      to: period.to.toISOString(),
      rows: list,
      refusals: refusals.map((r) => ({
        id: r.id,
        staffId: r.staffId,
        username: usernames.get(r.staffId) ?? null,
        merchantId: r.merchantId,
        action: r.action,
        limit: r.limitName,
        value: r.value,
        limitValue: r.limitValue,
        memberId: r.memberId,
        orderId: r.orderId,
        createdAt: r.createdAt.toISOString(),
      })),
    };
  }

  /** Usernames, roles and merchant names, in one query each. */
  private async name(allianceId: string, list: StaffActivityRow[]): Promise<void> {
    const names = new Map((await this.merchants.list(allianceId)).map((m) => [m.id, m.name]));
    const ids = [...new Set(list.map((r) => r.staffId))];
    const staff: { id: Num; username: string; role: StaffRole }[] = ids.length
      ? await this.dataSource.query(
          `SELECT id, username, role FROM staff_accounts WHERE alliance_id = ? AND id IN (${ids.map(() => '?').join(', ')})`,
          [allianceId, ...ids],
        )
      : [];
    const accounts = new Map(staff.map((s) => [String(s.id), s]));
    for (const r of list) {
      r.username = accounts.get(r.staffId)?.username ?? null;
      r.role = accounts.get(r.staffId)?.role ?? null;
      r.merchantName = names.get(r.merchantId) ?? null;
    }
  }
}
