import Taro from '@tarojs/taro';
import type { ShareCreated } from '@allycard/contracts';

const SHARES_KEY = 'allycard.shares';

/**
 * The server does not hand a share link out twice, so the phone keeps the links it created: the
 * coupon's page can show its link again while the coupon is still being forwarded.
 */
function readAll(): Record<string, ShareCreated> {
  const raw: unknown = Taro.getStorageSync(SHARES_KEY);
  if (typeof raw !== 'string' || !raw) return {};
  try {
    const parsed: unknown = JSON.parse(raw);
    return parsed && typeof parsed === 'object' ? (parsed as Record<string, ShareCreated>) : {};
  } catch {
    return {};
  }
}

function writeAll(all: Record<string, ShareCreated>, now: number): void {
  const live = Object.fromEntries(Object.entries(all).filter(([, s]) => Date.parse(s.expiresAt) > now));
  if (Object.keys(live).length) Taro.setStorageSync(SHARES_KEY, JSON.stringify(live));
  else Taro.removeStorageSync(SHARES_KEY);
}

export function rememberShare(couponId: string, share: ShareCreated, now = Date.now()): void {
  writeAll({ ...readAll(), [couponId]: share }, now);
}

export function recallShare(couponId: string, now = Date.now()): ShareCreated | null {
  const share = readAll()[couponId];
  return share && Date.parse(share.expiresAt) > now ? share : null;
}

export function forgetShare(couponId: string, now = Date.now()): void {
  const all = readAll();
  delete all[couponId];
  writeAll(all, now);
}
