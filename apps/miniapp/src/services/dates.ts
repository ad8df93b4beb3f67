import { businessDate, businessDateTime, parseInstant } from '@allycard/domain';

/** Dates as the member reads them, in the alliance's calendar (Asia/Shanghai); '' for a bad time. */

/** "2026-12-01" */
export function formatDate(iso: string): string {
  const at = parseInstant(iso);
  return at ? businessDate(at) : '';
}

/** "2026-12-01 14:05" */
export function formatDateTime(iso: string): string {
  const at = parseInstant(iso);
  return at ? businessDateTime(at) : '';
}

/** "14:05" — a time of today's business day. */
export function formatTime(iso: string): string {
  return formatDateTime(iso).slice(11);
}
