/**
 * The member database's definitions (contract, "Operating the alliance"): what a purchase is, its
 * spend, and a member's lifecycle label. Reports and the member list both count by these.
 */

/** A purchase: a paid order (refunded or not) or a counter purchase with an amount above 0. */
export interface PurchaseFact {
  merchantId: string;
  at: Date;
  /** what the member paid: an order's payableFen, a counter purchase's amountFen */
  paidFen: number;
  /** what was refunded of it since (0 for counter purchases) */
  refundedFen: number;
}

/** A purchase's spend: what the member paid less what was refunded. */
export function purchaseSpendFen(p: Pick<PurchaseFact, 'paidFen' | 'refundedFen'>): number {
  return p.paidFen - p.refundedFen;
}

export interface PurchaseSummary {
  purchases: number;
  spendFen: number;
  firstPurchaseAt: Date | null;
  lastPurchaseAt: Date | null;
}

export function summarisePurchases(purchases: readonly PurchaseFact[]): PurchaseSummary {
  let spendFen = 0;
  let first: Date | null = null;
  let last: Date | null = null;
  for (const p of purchases) {
    spendFen += purchaseSpendFen(p);
    if (!first || p.at < first) first = p.at;
    if (!last || p.at > last) last = p.at;
  }
  return { purchases: purchases.length, spendFen, firstPurchaseAt: first, lastPurchaseAt: last };
}

/** Per merchant, in the order each merchant first appears. */
export function spendByMerchant(
  purchases: readonly PurchaseFact[],
): { merchantId: string; purchases: number; spendFen: number }[] {
  const rows = new Map<string, { merchantId: string; purchases: number; spendFen: number }>();
  for (const p of purchases) {
    const row = rows.get(p.merchantId) ?? { merchantId: p.merchantId, purchases: 0, spendFen: 0 };
    row.purchases += 1;
    row.spendFen += purchaseSpendFen(p);
    rows.set(p.merchantId, row);
  }
  return [...rows.values()];
}

export type Lifecycle = 'never_bought' | 'new' | 'active' | 'dormant' | 'lost';
export const LIFECYCLES: readonly Lifecycle[] = ['never_bought', 'new', 'active', 'dormant', 'lost'];

/** Days since the first / last purchase that the labels turn at (PUT /admin/lifecycle-policy). */
export interface LifecyclePolicy {
  newDays: number;
  dormantDays: number;
  lostDays: number;
}

export const DEFAULT_LIFECYCLE_POLICY: Readonly<LifecyclePolicy> = {
  newDays: 30,
  dormantDays: 60,
  lostDays: 180,
};

const DAY_MS = 86_400_000;

/**
 * The instants the labels turn at, seen at `now`: a first purchase at or after `newSince` is new, a
 * last purchase at or after `dormantSince` active, at or after `lostSince` dormant, before it lost.
 */
export function lifecycleThresholds(
  now: Date,
  policy: LifecyclePolicy = DEFAULT_LIFECYCLE_POLICY,
): { newSince: Date; dormantSince: Date; lostSince: Date } {
  const ago = (days: number) => new Date(now.getTime() - days * DAY_MS);
  return {
    newSince: ago(policy.newDays),
    dormantSince: ago(policy.dormantDays),
    lostSince: ago(policy.lostDays),
  };
}

/** The first label that applies, in the contract's order (a recent first purchase is `new`). */
export function lifecycleOf(
  member: { firstPurchaseAt: Date | null; lastPurchaseAt: Date | null },
  now: Date,
  policy: LifecyclePolicy = DEFAULT_LIFECYCLE_POLICY,
): Lifecycle {
  if (!member.firstPurchaseAt || !member.lastPurchaseAt) return 'never_bought';
  const t = lifecycleThresholds(now, policy);
  if (member.firstPurchaseAt >= t.newSince) return 'new';
  if (member.lastPurchaseAt >= t.dormantSince) return 'active';
  if (member.lastPurchaseAt >= t.lostSince) return 'dormant';
  return 'lost';
}
