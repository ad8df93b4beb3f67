/** Dates as the member reads them: the alliance's calendar is Asia/Shanghai (UTC+8, no DST). */
const SHANGHAI_OFFSET_MS = 8 * 3600 * 1000;

function shanghaiIso(iso: string): string | null {
  const time = Date.parse(iso);
  if (Number.isNaN(time)) return null;
  return new Date(time + SHANGHAI_OFFSET_MS).toISOString();
}

/** "2026-12-01" */
export function formatDate(iso: string): string {
  return shanghaiIso(iso)?.slice(0, 10) ?? '';
}

/** "2026-12-01 14:05" */
export function formatDateTime(iso: string): string {
  const s = shanghaiIso(iso);
  return s ? `${s.slice(0, 10)} ${s.slice(11, 16)}` : '';
}
