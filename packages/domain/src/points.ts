/**
 * Points rules: how many points a payment earns, when a lot expires, which lots a spend consumes.
 * Integers only: points are whole, rates per mille, money in fen.
 */
import { endOfNthMonthAfter } from './calendar';

export interface PointsPolicy {
  /** fen paid per point earned (100: one point per full yuan) */
  earnFenPerPoint: number;
  /** what one point is worth when spent, in fen */
  pointValueFen: number;
  /** points expire this many months after the month they were earned */
  expiryMonths: number;
}

export const DEFAULT_POINTS_POLICY: PointsPolicy = {
  earnFenPerPoint: 100,
  pointValueFen: 1,
  expiryMonths: 12,
};

/** Points for a payment: whole earning units of the paid amount, times the tier multiplier, rounded down. */
export function pointsEarned(paidFen: number, policy: PointsPolicy, multiplierPermille: number): number {
  if (!Number.isSafeInteger(paidFen) || paidFen <= 0) return 0;
  const base = Math.floor(paidFen / policy.earnFenPerPoint);
  return Math.floor((base * multiplierPermille) / 1000);
}

/**
 * Points a member earns for a payment — the price preview's figure and the paid order's: the rate of
 * the tier the member holds when paying (an upgrade this payment earns counts from the next one), the
 * base rate for a tier no longer on the ladder.
 */
export function purchasePoints(
  paidFen: number,
  policy: PointsPolicy,
  tiers: readonly { code: string; pointsMultiplierPermille: number }[],
  tierCode: string,
): number {
  const multiplier = tiers.find((t) => t.code === tierCode)?.pointsMultiplierPermille ?? 1000;
  return pointsEarned(paidFen, policy, multiplier);
}

/**
 * Expiry of a lot earned at `earnedAt`: the end of the month `expiryMonths` after the month earned, in
 * Asia/Shanghai — points earned any day of November 2026 expire when December 2027 begins there.
 */
export function lotExpiresAt(earnedAt: Date, expiryMonths: number): Date {
  return endOfNthMonthAfter(earnedAt, expiryMonths);
}

export interface Lot {
  id: string;
  remaining: number;
  expiresAt: Date;
}

/**
 * Which lots a spend of `points` consumes: the earliest-expiring first (ties: the older lot), never
 * more than a lot holds. Null when the lots do not hold enough.
 */
export function allocateSpend(
  lots: readonly Lot[],
  points: number,
  now: Date,
): { lotId: string; points: number }[] | null {
  if (!Number.isSafeInteger(points) || points <= 0) throw new Error('points must be a positive integer');
  const usable = lots
    .filter((l) => l.remaining > 0 && l.expiresAt > now)
    .sort((a, b) => a.expiresAt.getTime() - b.expiresAt.getTime() || Number(a.id) - Number(b.id));
  const takes: { lotId: string; points: number }[] = [];
  let left = points;
  for (const lot of usable) {
    if (left === 0) break;
    const take = Math.min(lot.remaining, left);
    takes.push({ lotId: lot.id, points: take });
    left -= take;
  }
  return left === 0 ? takes : null;
}

/** The fen a number of points is worth. */
export function pointsValueFen(points: number, policy: Pick<PointsPolicy, 'pointValueFen'>): number {
  return points * policy.pointValueFen;
}
