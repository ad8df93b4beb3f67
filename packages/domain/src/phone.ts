/** 13812345678 → 138****5678; other lengths keep their first 3 and last 2 digits. */
export function maskPhone(phone: string): string {
  const digits = phone.replace(/\s+/g, '');
  if (digits.length >= 11) return digits.slice(0, 3) + '****' + digits.slice(-4);
  if (digits.length <= 5) return '*'.repeat(digits.length);
  return digits.slice(0, 3) + '*'.repeat(digits.length - 5) + digits.slice(-2);
}

/** Mainland China mobile numbers as WeChat's getPhoneNumber returns them (purePhoneNumber). */
export function isChinaMobile(phone: string): boolean {
  return /^1[3-9]\d{9}$/.test(phone);
}

/**
 * The one spelling of a phone number that is hashed for search: digits only, without the +86 / 0086
 * country prefix of a mainland number ("+86 138-0013-8000" → 13800138000). Null when no number is left.
 */
export function normalisePhone(input: string): string | null {
  const digits = input.replace(/[\s\-()]/g, '').replace(/^(\+86|0086)(?=1\d{10}$)/, '');
  return /^\d{5,20}$/.test(digits) ? digits : null;
}
