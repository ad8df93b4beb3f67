/**
 * The alliance's calendar is Asia/Shanghai. China has had no daylight saving time since 1991, so the
 * zone is a fixed UTC+8 — written here once; everything else asks this module.
 *
 * Wall-clock fields are read by shifting the instant by the offset and reading the UTC fields.
 */
const OFFSET_MS = 8 * 3600 * 1000;
const OFFSET_TEXT = '+08:00';
const DAY_MS = 86_400_000;

export interface InstantRange {
  from: Date;
  to: Date;
}

export type IsoWeekday = 1 | 2 | 3 | 4 | 5 | 6 | 7;

function wall(at: Date): Date {
  const ms = at.getTime();
  if (Number.isNaN(ms)) throw new RangeError('invalid date');
  return new Date(ms + OFFSET_MS);
}

/** The instant of a Shanghai wall-clock midnight; month and day may overflow (month 12 = next January). */
function shanghaiMidnight(year: number, month: number, day: number): Date {
  const d = new Date(0);
  d.setUTCFullYear(year, month, day); // unlike Date.UTC, years 0–99 are not read as 19xx
  return new Date(d.getTime() - OFFSET_MS);
}

/** 'YYYY-MM-DD' of the instant in Asia/Shanghai. */
export function businessDate(at: Date): string {
  return wall(at).toISOString().slice(0, 10);
}

/** 'YYYYMMDD' of the instant in Asia/Shanghai (order numbers, file names). */
export function compactBusinessDate(at: Date): string {
  return businessDate(at).replace(/-/g, '');
}

/** 'YYYY-MM-DD HH:mm' in Asia/Shanghai, as people read a time. */
export function businessDateTime(at: Date): string {
  const iso = wall(at).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)}`;
}

/** 'YYYYMMDDHHmmss' in Asia/Shanghai, as WeChat puts in its ids. */
export function compactBusinessDateTime(at: Date): string {
  return wall(at).toISOString().slice(0, 19).replace(/[-T:]/g, '');
}

/** 'YYYY-MM-DD' (a real calendar date) → the instant of 00:00 Shanghai that day; null otherwise. */
export function parseBusinessDate(s: string): Date | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return null;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const at = shanghaiMidnight(year, month - 1, day);
  return businessDate(at) === s ? at : null;
}

function requireBusinessDate(s: string): Date {
  const at = parseBusinessDate(s);
  if (!at) throw new RangeError(`not a date: ${s}`);
  return at;
}

/** [00:00, next 00:00) in Shanghai around `at`. */
export function businessDayRange(at: Date): InstantRange {
  const w = wall(at);
  const from = shanghaiMidnight(w.getUTCFullYear(), w.getUTCMonth(), w.getUTCDate());
  return { from, to: new Date(from.getTime() + DAY_MS) };
}

/** The Shanghai calendar month around `at`: [the 1st 00:00, the next month's 1st 00:00). */
export function businessMonthRange(at: Date): InstantRange {
  const w = wall(at);
  return {
    from: shanghaiMidnight(w.getUTCFullYear(), w.getUTCMonth(), 1),
    to: shanghaiMidnight(w.getUTCFullYear(), w.getUTCMonth() + 1, 1),
  };
}

/** The business date `days` days after (or before, when negative) `date`. */
export function addBusinessDays(date: string, days: number): string {
  if (!Number.isSafeInteger(days)) throw new RangeError('days must be an integer');
  return businessDate(new Date(requireBusinessDate(date).getTime() + days * DAY_MS));
}

/**
 * The first instant after the end of the n-th Shanghai month after the month of `at`: earned any day of
 * November 2026 with n = 12 → 2027-12-01T00:00+08:00.
 */
export function endOfNthMonthAfter(at: Date, n: number): Date {
  if (!Number.isSafeInteger(n)) throw new RangeError('n must be an integer');
  const w = wall(at);
  return shanghaiMidnight(w.getUTCFullYear(), w.getUTCMonth() + n + 1, 1);
}

/** RFC 3339 in Shanghai time to the second, WeChat Pay's format: '2026-11-24T16:15:00+08:00'. */
export function toRfc3339Shanghai(at: Date): string {
  return `${wall(at).toISOString().slice(0, 19)}${OFFSET_TEXT}`;
}

/** A Shanghai wall-clock time on a business date, in RFC 3339: ('2026-12-31', '23:59:59') → '…T23:59:59+08:00'. */
export function businessDateTimeToRfc3339(date: string, time: string): string {
  requireBusinessDate(date);
  if (!/^([01]\d|2[0-3]):[0-5]\d:[0-5]\d$/.test(time)) throw new RangeError(`not a time: ${time}`);
  return `${date}T${time}${OFFSET_TEXT}`;
}

/** ISO weekday in Shanghai: Monday = 1 … Sunday = 7. */
export function isoWeekday(at: Date): IsoWeekday {
  return (wall(at).getUTCDay() || 7) as IsoWeekday;
}

/** Day of the month in Shanghai, 1..31. */
export function monthDay(at: Date): number {
  return wall(at).getUTCDate();
}

const INSTANT =
  /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(?:([Zz])|([+-])(\d{2}):?(\d{2}))$/;

/**
 * An ISO 8601 / RFC 3339 time with an explicit offset or Z ('2026-11-24T16:15:00+08:00',
 * '2026-11-24T08:15:00.123Z') → the instant; null for anything else, including times without an offset
 * (whose zone would be the reader's guess) and impossible fields.
 */
export function parseInstant(s: string): Date | null {
  const m = INSTANT.exec(s);
  if (!m) return null;
  const [hour, minute, second] = [Number(m[4]), Number(m[5]), Number(m[6] ?? '0')];
  const [offsetHours, offsetMinutes] = [Number(m[10] ?? '0'), Number(m[11] ?? '0')];
  if (hour > 23 || minute > 59 || second > 59 || offsetHours > 23 || offsetMinutes > 59) return null;
  const midnight = parseBusinessDate(`${m[1]}-${m[2]}-${m[3]}`);
  if (!midnight) return null;
  const offsetMs = (m[8] ? 0 : (m[9] === '-' ? -1 : 1) * (offsetHours * 60 + offsetMinutes)) * 60_000;
  const millis = Number((m[7] ?? '').padEnd(3, '0').slice(0, 3));
  const wallMs = midnight.getTime() + OFFSET_MS + ((hour * 60 + minute) * 60 + second) * 1000 + millis;
  return new Date(wallMs - offsetMs);
}
