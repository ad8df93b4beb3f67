import Taro from '@tarojs/taro';
import type { Coupon } from '@allycard/contracts';

const WELCOME_COUPONS_KEY = 'allycard.welcomeCoupons';
const WELCOME_SEEN_KEY = 'allycard.welcomeSeen';

/** The coupons a join just issued, kept so the card page can show them right after switchTab. */
export function saveWelcomeCoupons(coupons: Coupon[]): void {
  Taro.removeStorageSync(WELCOME_SEEN_KEY);
  if (coupons.length) Taro.setStorageSync(WELCOME_COUPONS_KEY, JSON.stringify(coupons));
  else Taro.removeStorageSync(WELCOME_COUPONS_KEY);
}

/** The join gift is shown open once; after that first view the card keeps it folded to one line. */
export function welcomeSeen(): boolean {
  return Taro.getStorageSync(WELCOME_SEEN_KEY) === '1';
}

export function markWelcomeSeen(): void {
  Taro.setStorageSync(WELCOME_SEEN_KEY, '1');
}

export function loadWelcomeCoupons(): Coupon[] {
  const raw: unknown = Taro.getStorageSync(WELCOME_COUPONS_KEY);
  if (typeof raw !== 'string' || !raw) return [];
  try {
    const parsed: unknown = JSON.parse(raw);
    return Array.isArray(parsed) ? (parsed as Coupon[]) : [];
  } catch {
    return [];
  }
}

export function clearWelcomeCoupons(): void {
  Taro.removeStorageSync(WELCOME_COUPONS_KEY);
  Taro.removeStorageSync(WELCOME_SEEN_KEY);
}

/** A welcome coupon was just used (e.g. on 买单): the card no longer offers it. */
export function forgetWelcomeCoupon(couponId: string): void {
  const left = loadWelcomeCoupons().filter((c) => c.id !== couponId);
  // the rest stays as it was shown: folded once seen
  if (left.length) Taro.setStorageSync(WELCOME_COUPONS_KEY, JSON.stringify(left));
  else clearWelcomeCoupons();
}

const REFERRAL_SEEN_KEY = 'allycard.referralRewardSeen';

/** Whether the card already told the member about this 拉新 reward (by its time). */
export function referralRewardSeen(at: string): boolean {
  return Taro.getStorageSync(REFERRAL_SEEN_KEY) === at;
}

export function markReferralRewardSeen(at: string): void {
  Taro.setStorageSync(REFERRAL_SEEN_KEY, at);
}
