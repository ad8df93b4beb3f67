import {
  formatFen as formatFenText,
  formatYuan,
  formatZhe as formatZheText,
  parseYuan,
} from '@allycard/domain';

/**
 * Money is integer fen in the API; people type and read yuan. Conversions go through decimal strings,
 * never through float multiplication (0.29 * 100 = 28.999999999999996).
 */

/** 1230 → "¥12.30", -5 → "-¥0.05"; thousands grouped for wide report columns; "—" for no amount. */
export function formatFen(fen: number | null | undefined): string {
  return fen === null || fen === undefined ? '—' : formatFenText(fen, { grouped: true });
}

/**
 * A decimal written by a person ("12.3", 8.5) scaled by 10^digits to an integer, exactly:
 * scaleDecimal("12.3", 2) = 1230. Returns null for anything that is not a plain decimal with at most
 * `digits` fraction digits.
 */
export function scaleDecimal(value: string | number | null | undefined, digits: number): number | null {
  if (value === null || value === undefined || value === '') return null;
  const text = String(value).trim();
  const m = /^(-?)(\d+)(?:\.(\d*))?$/.exec(text);
  if (!m) return null;
  const [, sign, whole, fraction = ''] = m;
  if (fraction.length > digits && /[1-9]/.test(fraction.slice(digits))) return null;
  const n = Number(whole + fraction.slice(0, digits).padEnd(digits, '0'));
  return sign ? -n : n;
}

/** The inverse of scaleDecimal, as the string an antd InputNumber in stringMode shows. */
export function unscaleInteger(value: number | null | undefined, digits: number): string | undefined {
  if (value === null || value === undefined) return undefined;
  const sign = value < 0 ? '-' : '';
  const abs = String(Math.abs(value)).padStart(digits + 1, '0');
  if (digits === 0) return sign + abs;
  const whole = abs.slice(0, abs.length - digits);
  const fraction = abs.slice(abs.length - digits).replace(/0+$/, '');
  return sign + whole + (fraction ? `.${fraction}` : '');
}

export const yuanToFen = (yuan: string | number | null | undefined) =>
  yuan === null || yuan === undefined ? null : parseYuan(String(yuan));
export const fenToYuan = (fen: number | null | undefined) =>
  fen === null || fen === undefined ? undefined : formatYuan(fen);

/** Per mille paid → 折 (850 → "8.5折"); 1000 is no discount. */
export function formatZhe(permille: number | null | undefined): string {
  if (permille === null || permille === undefined) return '—';
  return permille >= 1000 ? '无折扣' : formatZheText(permille);
}

/** 8.5 (折) → 850 per mille; 10 → 1000. */
export const zheToPermille = (zhe: string | number | null | undefined) => scaleDecimal(zhe, 2);
export const permilleToZhe = (permille: number | null | undefined) => unscaleInteger(permille, 2);
