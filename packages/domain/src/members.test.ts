import fc from 'fast-check';
import {
  DEFAULT_LIFECYCLE_POLICY,
  lifecycleOf,
  purchaseSpendFen,
  spendByMerchant,
  summarisePurchases,
} from './members';
import { normalisePhone } from './phone';
import { DEFAULT_TIERS, tierAfterSpendChange } from './tiers';

const DAY = 86_400_000;
const now = new Date('2026-12-03T12:00:00Z');
const daysAgo = (d: number) => new Date(now.getTime() - d * DAY);

describe('member database definitions', () => {
  it('labels the lifecycle in the contract order, at the policy defaults', () => {
    expect(lifecycleOf({ firstPurchaseAt: null, lastPurchaseAt: null }, now)).toBe('never_bought');
    expect(lifecycleOf({ firstPurchaseAt: daysAgo(30), lastPurchaseAt: daysAgo(30) }, now)).toBe('new');
    expect(lifecycleOf({ firstPurchaseAt: daysAgo(31), lastPurchaseAt: daysAgo(60) }, now)).toBe('active');
    expect(lifecycleOf({ firstPurchaseAt: daysAgo(200), lastPurchaseAt: daysAgo(61) }, now)).toBe('dormant');
    expect(lifecycleOf({ firstPurchaseAt: daysAgo(200), lastPurchaseAt: daysAgo(180) }, now)).toBe('dormant');
    expect(lifecycleOf({ firstPurchaseAt: daysAgo(400), lastPurchaseAt: daysAgo(181) }, now)).toBe('lost');
    // a recent first purchase is new even when a policy would also call it active
    expect(lifecycleOf({ firstPurchaseAt: daysAgo(1), lastPurchaseAt: daysAgo(1) }, now)).toBe('new');
    expect(
      lifecycleOf({ firstPurchaseAt: daysAgo(10), lastPurchaseAt: daysAgo(10) }, now, {
        ...DEFAULT_LIFECYCLE_POLICY,
        newDays: 5,
      }),
    ).toBe('active');
  });

  it('sums spend as paid less refunded, per member and per merchant alike', () => {
    const purchase = fc.record({
      merchantId: fc.constantFrom('1', '2', '3'),
      at: fc.date({ min: daysAgo(500), max: now, noInvalidDate: true }),
      paidFen: fc.integer({ min: 0, max: 10_000_000 }),
      refundedFen: fc.integer({ min: 0, max: 10_000_000 }),
    });
    fc.assert(
      fc.property(fc.array(purchase, { maxLength: 30 }), (raw) => {
        const purchases = raw.map((p) => ({ ...p, refundedFen: Math.min(p.refundedFen, p.paidFen) }));
        const total = summarisePurchases(purchases);
        const rows = spendByMerchant(purchases);
        expect(rows.reduce((s, r) => s + r.spendFen, 0)).toBe(total.spendFen);
        expect(rows.reduce((s, r) => s + r.purchases, 0)).toBe(total.purchases);
        expect(total.spendFen).toBe(purchases.reduce((s, p) => s + p.paidFen - p.refundedFen, 0));
        for (const p of purchases) {
          expect(total.firstPurchaseAt!.getTime()).toBeLessThanOrEqual(p.at.getTime());
          expect(total.lastPurchaseAt!.getTime()).toBeGreaterThanOrEqual(p.at.getTime());
        }
      }),
    );
    expect(purchaseSpendFen({ paidFen: 10_000, refundedFen: 2_500 })).toBe(7_500);
    expect(summarisePurchases([])).toEqual({
      purchases: 0,
      spendFen: 0,
      firstPurchaseAt: null,
      lastPurchaseAt: null,
    });
  });

  it('normalises a phone number to the one spelling that is hashed', () => {
    expect(normalisePhone('13800138000')).toBe('13800138000');
    expect(normalisePhone('+86 138-0013-8000')).toBe('13800138000');
    expect(normalisePhone('0086 13800138000')).toBe('13800138000');
    expect(normalisePhone('8613800138000')).toBe('8613800138000');
    expect(normalisePhone('abc')).toBeNull();
    expect(normalisePhone('')).toBeNull();
  });
});

describe('tier grants', () => {
  const until = new Date(now.getTime() + 30 * DAY);
  const grant = { code: 'gold', until };

  it('keeps a granted tier as a floor at a review, a refund and a purchase until the grant ends', () => {
    expect(tierAfterSpendChange(DEFAULT_TIERS, 'gold', 0, 'review', grant, now).code).toBe('gold');
    expect(tierAfterSpendChange(DEFAULT_TIERS, 'gold', 0, 'refund', grant, now).code).toBe('gold');
    expect(tierAfterSpendChange(DEFAULT_TIERS, 'normal', 0, 'purchase', grant, now).code).toBe('gold');
    // a higher tier earned by spend wins over the grant
    expect(tierAfterSpendChange(DEFAULT_TIERS, 'gold', 1_000_000, 'review', grant, now).code).toBe('diamond');
    // from `until` on, the spend alone decides
    expect(tierAfterSpendChange(DEFAULT_TIERS, 'gold', 0, 'review', grant, until).code).toBe('normal');
    expect(tierAfterSpendChange(DEFAULT_TIERS, 'gold', 0, 'review', null, now).code).toBe('normal');
  });

  it('never leaves a member below a running grant', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...DEFAULT_TIERS.map((t) => t.code)),
        fc.constantFrom(...DEFAULT_TIERS.map((t) => t.code)),
        fc.integer({ min: 0, max: 2_000_000 }),
        fc.constantFrom('purchase' as const, 'refund' as const, 'review' as const),
        (current, granted, spend, change) => {
          const floor = DEFAULT_TIERS.find((t) => t.code === granted)!;
          const tier = tierAfterSpendChange(
            DEFAULT_TIERS,
            current,
            spend,
            change,
            { code: granted, until },
            now,
          );
          expect(tier.minSpendFen).toBeGreaterThanOrEqual(floor.minSpendFen);
        },
      ),
    );
  });
});
