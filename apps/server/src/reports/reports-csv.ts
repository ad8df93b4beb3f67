import { formatYuan } from '@allycard/domain';
import type { OverviewDay } from '@allycard/contracts';
import type { Response } from 'express';
import type { Principal } from '../common/auth';
import { TransactionRunner } from '../common/transactions';
import { AuditLogService } from '../member-database/audit-log.service';
import { readReportPeriod } from './report-period';
import { ReportsService } from './reports.service';

const COLUMNS: [string, (d: OverviewDay) => string | number][] = [
  ['日期', (d) => d.date],
  ['新增会员', (d) => d.newMembers],
  ['活跃会员', (d) => d.activeMembers],
  ['消费金额(元)', (d) => formatYuan(d.spendFen)],
];
/** Days written per chunk: a 3-year series goes out in a dozen writes. */
const CHUNK = 100;

/**
 * The overview's daily series as CSV (GET /admin/reports/overview.csv), audited like the member
 * export: the audit row is written before the first byte, then the rows go out in chunks, waiting
 * for the socket to drain.
 */
export async function overviewCsv(
  res: Response,
  who: Principal,
  query: { from: string; to: string; merchantId?: string },
  reports: ReportsService,
  audit: AuditLogService,
  tx: TransactionRunner,
): Promise<void> {
  const period = readReportPeriod(query.from, query.to);
  const merchantId = await reports.scope(who, query.merchantId);
  const { series } = await reports.compute(who.allianceId, period, merchantId);
  await tx.run((em) =>
    audit.record(em, who, {
      action: 'reports_export',
      memberId: null,
      reason: null,
      detail: { from: query.from, to: query.to, merchantId },
    }),
  );
  res.status(200);
  res.setHeader('Content-Type', 'text/csv; charset=utf-8');
  res.setHeader('Content-Disposition', `attachment; filename="overview-${query.from}-${query.to}.csv"`);
  // A byte-order mark, so Excel reads the Chinese headers as UTF-8.
  res.write('\uFEFF' + COLUMNS.map(([name]) => name).join(',') + '\r\n');
  for (let i = 0; i < series.length; i += CHUNK) {
    const text =
      series
        .slice(i, i + CHUNK)
        .map((d) => COLUMNS.map(([, get]) => get(d)).join(','))
        .join('\r\n') + '\r\n';
    if (!res.write(text)) await new Promise((resolve) => res.once('drain', resolve));
  }
  res.end();
}
