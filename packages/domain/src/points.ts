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

/**
 * `total` split in proportion to `weights` (positive), in whole points: floors first, the remainder
 * one by one to the largest fractions (ties: the earlier weight). The parts sum to `total`.
 */
export function splitInProportion(total: number, weights: readonly number[]): number[] {
  const sum = weights.reduce((s, w) => s + w, 0);
  if (sum <= 0) return weights.map((_, i) => (i === 0 ? total : 0));
  const exact = weights.map((w) => (total * w) / sum);
  const parts = exact.map(Math.floor);
  let left = total - parts.reduce((s, p) => s + p, 0);
  const order = exact
    .map((e, i) => ({ i, frac: e - Math.floor(e) }))
    .sort((a, b) => b.frac - a.frac || a.i - b.i);
  for (const { i } of order) {
    if (left <= 0) break;
    parts[i]++;
    left--;
  }
  return parts;
}

/** One account's share in funding an earning: negative, as its posting is. */
export interface EarnFunder {
  accountKind: 'merchant_funding' | 'alliance';
  /** the merchant's id; '0' for the alliance */
  ownerId: string;
  amount: number;
}

/**
 * Who funds an earning of `points` made at `merchantId` (null: alliance-wide): each sponsor its
 * sponsored part (a points promotion's extra), the merchant — or the alliance — the rest. A sponsor
 * that is the merchant itself funds in one posting. The amounts are negative and sum to −points.
 */
export function earnFunders(
  points: number,
  merchantId: string | null,
  sponsored: readonly { sponsorMerchantId: string | null; points: number }[] = [],
): EarnFunder[] {
  const bySponsor = new Map<string, number>();
  for (const s of sponsored)
    if (s.sponsorMerchantId && s.points > 0)
      bySponsor.set(s.sponsorMerchantId, (bySponsor.get(s.sponsorMerchantId) ?? 0) + s.points);
  const sponsoredPoints = [...bySponsor.values()].reduce((sum, p) => sum + p, 0);
  if (sponsoredPoints > points) throw new Error('sponsored points exceed the points earned');
  const own = points - sponsoredPoints;
  const funders: EarnFunder[] = [];
  if (own > 0)
    funders.push(
      merchantId
        ? { accountKind: 'merchant_funding', ownerId: merchantId, amount: -own }
        : { accountKind: 'alliance', ownerId: '0', amount: -own },
    );
  for (const [sponsor, p] of bySponsor) {
    const same = funders.find((f) => f.accountKind === 'merchant_funding' && f.ownerId === sponsor);
    if (same) same.amount -= p;
    else funders.push({ accountKind: 'merchant_funding', ownerId: sponsor, amount: -p });
  }
  return funders;
}
