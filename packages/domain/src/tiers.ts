import { formatFen } from './money';

export interface TierRule {
  code: string;
  name: string;
  minSpendFen: number;
  discountPermille: number;
  pointsMultiplierPermille: number;
}

/** The default ladder of a new alliance: spend over the last 12 months, in fen. */
export const DEFAULT_TIERS: readonly TierRule[] = [
  {
    code: 'normal',
    name: '普通会员',
    minSpendFen: 0,
    discountPermille: 1000,
    pointsMultiplierPermille: 1000,
  },
  {
    code: 'silver',
    name: '银卡',
    minSpendFen: 100_000,
    discountPermille: 980,
    pointsMultiplierPermille: 1200,
  },
  { code: 'gold', name: '金卡', minSpendFen: 300_000, discountPermille: 950, pointsMultiplierPermille: 1500 },
  {
    code: 'diamond',
    name: '黑钻',
    minSpendFen: 1_000_000,
    discountPermille: 900,
    pointsMultiplierPermille: 2000,
  },
];

function ladder(tiers: readonly TierRule[]): TierRule[] {
  if (!tiers.length) throw new Error('an alliance needs at least one tier');
  return [...tiers].sort((a, b) => a.minSpendFen - b.minSpendFen);
}

/** The tier a rolling spend earns: the highest whose threshold it reaches (the lowest is the base). */
export function tierForSpend(tiers: readonly TierRule[], spendFen: number): TierRule {
  const sorted = ladder(tiers);
  return sorted.filter((t) => t.minSpendFen <= spendFen).pop() ?? sorted[0];
}

/** Why a member's tier is looked at again. */
export type TierChange = 'purchase' | 'refund' | 'review';

/** An operator's grant (甄选 SVIP): the member holds at least `code` until `until`. */
export interface TierGrant {
  code: string;
  until: Date;
}

/**
 * The one place a member's tier is decided. A purchase upgrades at once to what the rolling spend
 * earns (never down: spend ageing out of the window lowers a tier only at the review); a refund drops
 * it at once below any tier whose minimum the spend no longer meets (never up); the scheduled review
 * gives exactly what the spend earns. A grant still running at `at` is a floor under all three.
 */
export function tierAfterSpendChange(
  tiers: readonly TierRule[],
  currentCode: string,
  spendFen: number,
  change: TierChange,
  grant: TierGrant | null = null,
  at: Date = new Date(),
): TierRule {
  const due = tierBySpend(tiers, currentCode, spendFen, change);
  const floor = grant && at < grant.until ? tiers.find((t) => t.code === grant.code) : undefined;
  return floor && floor.minSpendFen > due.minSpendFen ? floor : due;
}

function tierBySpend(
  tiers: readonly TierRule[],
  currentCode: string,
  spendFen: number,
  change: TierChange,
): TierRule {
  const earned = tierForSpend(tiers, spendFen);
  const current = tiers.find((t) => t.code === currentCode);
  if (change === 'review' || !current) return earned;
  const better = earned.minSpendFen > current.minSpendFen;
  if (change === 'purchase') return better ? earned : current;
  return better || earned.code === current.code ? current : earned;
}

export interface TierProgressInfo {
  current: { code: string; name: string };
  next: { code: string; name: string } | null;
  spendFen: number;
  remainingFen: number;
  text: string;
}

/** "再消费 ¥320.00 升级金卡" — what the card shows under the tier name. */
export function tierProgress(
  tiers: readonly TierRule[],
  currentCode: string,
  spendFen: number,
): TierProgressInfo {
  const sorted = ladder(tiers);
  const current = sorted.find((t) => t.code === currentCode) ?? tierForSpend(sorted, spendFen);
  const next = sorted.find((t) => t.minSpendFen > Math.max(spendFen, current.minSpendFen)) ?? null;
  const remainingFen = next ? next.minSpendFen - spendFen : 0;
  return {
    current: { code: current.code, name: current.name },
    next: next && { code: next.code, name: next.name },
    spendFen,
    remainingFen,
    text: next ? `再消费 ${formatFen(remainingFen)} 升级${next.name}` : `你已是最高等级${current.name}`,
  };
}
