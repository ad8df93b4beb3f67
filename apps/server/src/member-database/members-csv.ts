import { formatYuan } from '@allycard/domain';
import type { AdminMember } from '@allycard/contracts';
import type { Response } from 'express';
import type { Principal } from '../common/auth';
import { TransactionRunner } from '../common/transactions';
import { AuditLogService } from './audit-log.service';
import { MemberFilters, MemberListService } from './member-list.service';

const COLUMNS: [string, (m: AdminMember) => string | number | null][] = [
  ['会员ID', (m) => m.id],
  ['卡号', (m) => m.cardNo],
  ['昵称', (m) => m.nickname],
  ['手机号', (m) => m.phoneMasked],
  ['等级', (m) => m.tier.name],
  ['积分', (m) => m.points],
  ['入会时间', (m) => m.joinedAt],
  ['入会商户ID', (m) => m.joinMerchantId],
  ['生命周期', (m) => m.lifecycle],
  ['最近消费', (m) => m.lastPurchaseAt],
  ['消费次数', (m) => m.purchases],
  ['消费金额(元)', (m) => formatYuan(m.spendFen)],
];

/** RFC 4180 quoting; a leading = + - @ is neutralised so a spreadsheet never runs a nickname. */
function cell(value: string | number | null): string {
  if (value === null) return '';
  const text = typeof value === 'number' ? String(value) : /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * Streams the member list as CSV, one batch of rows at a time (waiting for the socket to drain),
 * after writing the export's audit row.
 */
export async function membersCsv(
  res: Response,
  who: Principal,
  filters: MemberFilters,
  list: MemberListService,
  audit: AuditLogService,
  tx: TransactionRunner,
): Promise<void> {
  list.validate(filters);
  await tx.run((em) =>
    audit.record(em, who, { action: 'members_export', memberId: null, reason: null, detail: { filters } }),
  );
  res.status(200);
  res.setHeader('Content-Type', 'text/csv; charset=utf-8');
  res.setHeader('Content-Disposition', 'attachment; filename="members.csv"');
  // A byte-order mark, so Excel reads the Chinese headers as UTF-8.
  res.write('\uFEFF' + COLUMNS.map(([name]) => name).join(',') + '\r\n');
  for await (const batch of list.all(who, filters)) {
    const text = batch.map((m) => COLUMNS.map(([, get]) => cell(get(m))).join(',')).join('\r\n') + '\r\n';
    if (!res.write(text)) await new Promise((resolve) => res.once('drain', resolve));
  }
  res.end();
}
