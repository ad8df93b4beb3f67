import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { SettlementReport, SettlementRow } from '@allycard/contracts';
import { foldSettlement, type PointsAccountKind, type SettlementEntryKind } from '@allycard/domain';
import { DataSource } from 'typeorm';
import { Principal } from '../common/auth';
import { MerchantsService } from '../merchants/merchants.service';
import { LedgerService } from '../points/ledger.service';
import { reportPeriod } from './period';

/**
 * The settlement report of a period: the ledger's postings and the settlement entries that happened
 * in it (a refund's reversal in the refund's period, so a closed period never changes), folded by
 * packages/domain into one position per party. Positive = receivable, negative = payable.
 */
@Injectable()
export class SettlementService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly merchants: MerchantsService,
    private readonly ledger: LedgerService,
  ) {}

  async report(who: Principal, from?: string, to?: string): Promise<SettlementReport> {
    const period = reportPeriod(from, to);
    const policy = await this.ledger.policy(who.allianceId);
    const driver = this.dataSource.driver;
    const at = (d: Date) => driver.preparePersistentValue(d, { type: 'datetime' } as never);
    const params = [who.allianceId, at(period.from), at(period.to)];

    const postings: {
      account_kind: PointsAccountKind;
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
      kind: SettlementEntryKind;
      beneficiary_merchant_id: string | number;
      bearer: string;
      fen: string | number;
    }[] = await this.dataSource.query(
      `SELECT kind, beneficiary_merchant_id, bearer, COALESCE(SUM(amount_fen), 0) AS fen
       FROM settlement_entries WHERE alliance_id = ? AND occurred_at >= ? AND occurred_at < ?
       GROUP BY kind, beneficiary_merchant_id, bearer`,
      params,
    );

    const { rows: all, balanced } = foldSettlement({
      merchants: await this.merchants.list(who.allianceId),
      postings: postings.map((p) => ({
        accountKind: p.account_kind,
        ownerId: String(p.owner_id),
        credited: Number(p.pos),
        debited: Number(p.neg),
      })),
      entries: entries.map((e) => ({
        kind: e.kind,
        beneficiaryMerchantId: String(e.beneficiary_merchant_id),
        bearer: e.bearer,
        amountFen: Number(e.fen),
      })),
      pointValueFen: policy.pointValueFen,
    });
    const visible = who.role === 'merchant_admin' ? all.filter((r) => r.merchantId === who.merchantId) : all;
    return {
      from: period.from.toISOString(),
      to: period.to.toISOString(),
      pointValueFen: policy.pointValueFen,
      rows: visible,
      totalNetFen: visible.reduce((s, r) => s + r.netFen, 0),
      balanced,
    };
  }

  toCsv(report: SettlementReport): string {
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
