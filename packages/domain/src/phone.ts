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
