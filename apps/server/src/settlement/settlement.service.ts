import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Principal } from '../common/auth';
import { MerchantsService } from '../merchants/merchants.service';
import { OrdersService } from '../orders/orders.service';
import { LedgerService } from '../points/ledger.service';
import { reportPeriod } from './period';
import { SettlementEntriesService } from './settlement-entries.service';

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
  /** member-tier discounts given at this merchant, whoever bears them */
  tierDiscountsGivenFen: number;
  /** tier discounts given here that another party bears (owed to this merchant) */
  tierDiscountsReceivableFen: number;
  /** tier discounts given elsewhere that this party bears */
  tierDiscountsBorneFen: number;
  /** + receivable, − payable; all rows sum to zero */
  netFen: number;
}

/**
 * Settlement between the merchants of an alliance for a period. Points: every posting belongs to
 * exactly one party and every transaction sums to zero, so the parties' point positions sum to zero.
 * Coupons and tier discounts: settlement entries, each dated when it happened (a refund's reversal in
 * the refund's period), so a closed period never changes; a discount given at merchant M and borne by X
 * (a coupon's issuer, or the alliance for tier discounts when it says so) is owed to M by X.
 * Positive = receivable, negative = payable.
 */
@Injectable()
export class SettlementService implements OnModuleInit {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly merchants: MerchantsService,
    private readonly ledger: LedgerService,
    private readonly orders: OrdersService,
    private readonly entries: SettlementEntriesService,
  ) {}

  onModuleInit() {
    // In the transaction that marks the order paid, dated at the payment.
    this.orders.on('paid', (em, order, at) => this.entries.postPaidOrder(em, order, at));
  }

  async report(who: Principal, from?: string, to?: string) {
    const period = reportPeriod(from, to);
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
    const entries: {
      kind: string;
      beneficiary_merchant_id: string | number;
      bearer: string;
      fen: string | number;
    }[] = await this.dataSource.query(
      `SELECT kind, beneficiary_merchant_id, bearer, COALESCE(SUM(amount_fen), 0) AS fen
       FROM settlement_entries WHERE alliance_id = ? AND occurred_at >= ? AND occurred_at < ?
       GROUP BY kind, beneficiary_merchant_id, bearer`,
      params,
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
          tierDiscountsGivenFen: 0,
          tierDiscountsReceivableFen: 0,
          tierDiscountsBorneFen: 0,
          netFen: 0,
        });
      }
      return rows.get(key)!;
    };
    for (const m of merchants) row(`m:${m.id}`, 'merchant', m.name, m.id);
    row('alliance', 'alliance', '联盟运营方');
    row('breakage', 'breakage', '过期积分（沉淀）');
    row('members', 'members', '会员未用积分（期间变动）');

    const merchantRow = (id: string) => row(`m:${id}`, 'merchant', `商户 ${id}`, id);
    for (const p of postings) {
      const pos = Number(p.pos);
      const neg = Number(p.neg);
      const owner = String(p.owner_id);
      const target =
        p.account_kind === 'merchant_funding' || p.account_kind === 'merchant_redemption'
          ? merchantRow(owner)
          : p.account_kind === 'member'
            ? rows.get('members')!
            : rows.get(p.account_kind === 'breakage' ? 'breakage' : 'alliance')!;
      if (p.account_kind === 'merchant_funding' || p.account_kind === 'alliance') target.pointsFunded += neg;
      if (p.account_kind === 'merchant_redemption' || p.account_kind === 'alliance')
        target.pointsRedeemed += pos;
      target.pointsNet += pos - neg;
    }
    for (const e of entries) {
      const fen = Number(e.fen);
      const givenAt = merchantRow(String(e.beneficiary_merchant_id));
      const bearer = e.bearer === 'alliance' ? rows.get('alliance')! : merchantRow(e.bearer);
      if (e.kind === 'tier_discount') givenAt.tierDiscountsGivenFen += fen;
      // A party bearing its own discount settles it with nobody.
      if (bearer === givenAt) continue;
      if (e.kind === 'coupon_subsidy') {
        givenAt.couponsRedeemedHereFen += fen;
        bearer.couponsBorneFen += fen;
      } else {
        givenAt.tierDiscountsReceivableFen += fen;
        bearer.tierDiscountsBorneFen += fen;
      }
    }
    const all = [...rows.values()].map((r) => {
      const pointsNetFen = r.pointsNet * policy.pointValueFen;
      const discountsNetFen =
        r.couponsRedeemedHereFen - r.couponsBorneFen + r.tierDiscountsReceivableFen - r.tierDiscountsBorneFen;
      return { ...r, pointsNetFen, netFen: pointsNetFen + discountsNetFen };
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
      'tierDiscountsGivenFen',
      'tierDiscountsReceivableFen',
      'tierDiscountsBorneFen',
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
