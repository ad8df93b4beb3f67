/**
 * The rotating member code shown as a QR code on the card and scanned by staff.
 *
 * Layout (digits only, so it also fits a barcode and can be typed): `WWWW` the low four digits of the
 * time window, `SSSSSSSSSS` ten digits of a MAC over (alliance, member, window), then the member id.
 * The member id makes lookup O(1); the MAC makes a code unforgeable without the server key; the
 * window makes a screenshot go stale. A code is accepted in the window it was issued in and the next,
 * so its lifetime is at most two windows (2 × 30 s = 60 s).
 *
 * The MAC itself is passed in (`mac(message) → bytes`): this module is pure arithmetic, the server
 * supplies HMAC-SHA256 with its secret.
 */
export const MEMBER_CODE_WINDOW_SECONDS = 30;
const WINDOW_DIGITS = 4;
const WINDOW_MODULUS = 10 ** WINDOW_DIGITS;
const MAC_DIGITS = 10;
const MAX_MEMBER_ID_DIGITS = 20;
/** A code is the window and MAC digits, then a member id of 1–20 digits: its length varies. */
export const MEMBER_CODE_MIN_LENGTH = WINDOW_DIGITS + MAC_DIGITS + 1;
export const MEMBER_CODE_MAX_LENGTH = WINDOW_DIGITS + MAC_DIGITS + MAX_MEMBER_ID_DIGITS;

export type MacFunction = (message: string) => Uint8Array;

export interface IssuedMemberCode {
  code: string;
  /** when the code stops being accepted */
  expiresAt: Date;
}

export function windowOf(now: Date): number {
  return Math.floor(now.getTime() / 1000 / MEMBER_CODE_WINDOW_SECONDS);
}

function macDigits(mac: MacFunction, allianceId: string, memberId: string, window: number): string {
  const bytes = mac(`member-code|${allianceId}|${memberId}|${window}`);
  // 48 bits of the MAC reduced to ten decimal digits: bias is below 2^-14, irrelevant here.
  let value = 0;
  for (let i = 0; i < 6; i++) value = value * 256 + bytes[i];
  return String(value % 10 ** MAC_DIGITS).padStart(MAC_DIGITS, '0');
}

export function issueMemberCode(
  mac: MacFunction,
  allianceId: string,
  memberId: string,
  now: Date,
): IssuedMemberCode {
  if (!/^\d+$/.test(memberId)) throw new Error('member id must be digits');
  const window = windowOf(now);
  const code =
    String(window % WINDOW_MODULUS).padStart(WINDOW_DIGITS, '0') +
    macDigits(mac, allianceId, memberId, window) +
    memberId;
  return { code, expiresAt: new Date((window + 2) * MEMBER_CODE_WINDOW_SECONDS * 1000) };
}

export type MemberCodeCheck =
  { ok: true; memberId: string } | { ok: false; reason: 'malformed' | 'invalid' | 'expired' };

/** The member id a code names, before any check: lets the server fetch the member in O(1). */
export function parseMemberCode(code: string): { windowLow: number; mac: string; memberId: string } | null {
  const match = /^(\d{4})(\d{10})([1-9]\d{0,19})$/.exec(code);
  if (!match) return null;
  return { windowLow: Number(match[1]), mac: match[2], memberId: match[3] };
}

/**
 * What is wrong with a typed code that cannot be a member code at all, for the clerk to act on before
 * anything is sent; null when it may be one (only the server can tell whether it is genuine and fresh).
 */
export function memberCodeProblem(code: string): string | null {
  const retry = '请让顾客刷新后重扫';
  if (!/^\d*$/.test(code) || code.length < MEMBER_CODE_MIN_LENGTH)
    return `会员码应为 ${MEMBER_CODE_MIN_LENGTH} 位以上数字，${retry}`;
  if (code.length > MEMBER_CODE_MAX_LENGTH) return `会员码最多 ${MEMBER_CODE_MAX_LENGTH} 位数字，${retry}`;
  return parseMemberCode(code) ? null : `会员码有误，${retry}`;
}

export function verifyMemberCode(
  mac: MacFunction,
  allianceId: string,
  code: string,
  now: Date,
  equal: (a: string, b: string) => boolean = (a, b) => a === b,
): MemberCodeCheck {
  const parsed = parseMemberCode(code);
  if (!parsed) return { ok: false, reason: 'malformed' };
  const current = windowOf(now);
  // The most recent window, not in the future, whose low digits match.
  const window =
    current - ((((current - parsed.windowLow) % WINDOW_MODULUS) + WINDOW_MODULUS) % WINDOW_MODULUS);
  const authentic = equal(macDigits(mac, allianceId, parsed.memberId, window), parsed.mac);
  if (!authentic) {
    // A code from one window in the future (clock skew of the issuing replica) is not worth supporting.
    return { ok: false, reason: 'invalid' };
  }
  if (window < current - 1) return { ok: false, reason: 'expired' };
  return { ok: true, memberId: parsed.memberId };
}
