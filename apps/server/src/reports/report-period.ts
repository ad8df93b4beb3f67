import { addBusinessDays, businessDate, parseBusinessDate } from '@allycard/domain';
import { validationFailed } from '../common/errors';

/** The longest period a report covers: 3 years of business days. */
export const MAX_REPORT_DAYS = 1096;
const DAY_MS = 86_400_000;

/** A report's period: [from 00:00, to 00:00) Asia/Shanghai, and its business days in order. */
export interface ReportPeriod {
  from: Date;
  to: Date;
  days: string[];
}

/** Reads `from` / `to` business days: real dates, `from` before `to`, at most MAX_REPORT_DAYS apart. */
export function readReportPeriod(fromText: string, toText: string): ReportPeriod {
  const from = parseBusinessDate(fromText);
  const to = parseBusinessDate(toText);
  if (!from) throw validationFailed([{ field: 'from', message: 'from must be a date YYYY-MM-DD' }]);
  if (!to) throw validationFailed([{ field: 'to', message: 'to must be a date YYYY-MM-DD' }]);
  if (to <= from) throw validationFailed([{ field: 'to', message: 'to must be after from' }]);
  const count = Math.round((to.getTime() - from.getTime()) / DAY_MS);
  if (count > MAX_REPORT_DAYS)
    throw validationFailed([{ field: 'to', message: `a report spans at most ${MAX_REPORT_DAYS} days` }]);
  const first = businessDate(from);
  return { from, to, days: Array.from({ length: count }, (_, i) => addBusinessDays(first, i)) };
}

/** ⌊part × 1000 / whole⌋, 0 when there is no whole. */
export const permille = (part: number, whole: number): number =>
  whole > 0 ? Math.floor((part * 1000) / whole) : 0;
