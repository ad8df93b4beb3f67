import fc from 'fast-check';
import { DEFAULT_TIERS, tierAfterSpendChange, tierForSpend, tierProgress } from './tiers';

describe('tiers', () => {
  it('picks the highest tier the spend reaches', () => {
    expect(tierForSpend(DEFAULT_TIERS, 0).code).toBe('normal');
    expect(tierForSpend(DEFAULT_TIERS, 99_999).code).toBe('normal');
    expect(tierForSpend(DEFAULT_TIERS, 100_000).code).toBe('silver');
    expect(tierForSpend(DEFAULT_TIERS, 5_000_000).code).toBe('diamond');
  });

  it('tells how much more to spend for the next tier', () => {
    const p = tierProgress(DEFAULT_TIERS, 'silver', 268_000);
    expect(p.next?.code).toBe('gold');
    expect(p.remainingFen).toBe(32_000);
    expect(p.text).toBe('再消费 ¥320.00 升级金卡');
    expect(tierProgress(DEFAULT_TIERS, 'diamond', 2_000_000).text).toBe('你已是最高等级黑钻');
  });

  it('never asks for a negative or zero spend to reach a next tier', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 5_000_000 }), (spend) => {
        const tier = tierForSpend(DEFAULT_TIERS, spend);
        const p = tierProgress(DEFAULT_TIERS, tier.code, spend);
        expect(p.current.code).toBe(tier.code);
        if (p.next) expect(p.remainingFen).toBeGreaterThan(0);
        else expect(p.remainingFen).toBe(0);
      }),
    );
  });

  describe('tierAfterSpendChange', () => {
    const after = (current: string, spend: number, change: 'purchase' | 'refund' | 'review') =>
      tierAfterSpendChange(DEFAULT_TIERS, current, spend, change).code;

    it('upgrades on a purchase, drops on a refund, and the review gives what the spend earns', () => {
      expect(after('normal', 300_000, 'purchase')).toBe('gold');
      expect(after('gold', 150_000, 'purchase')).toBe('gold');
      expect(after('gold', 150_000, 'refund')).toBe('silver');
      expect(after('gold', 300_000, 'refund')).toBe('gold');
      expect(after('silver', 2_000_000, 'refund')).toBe('silver');
      expect(after('gold', 50_000, 'review')).toBe('normal');
      expect(after('unknown', 100_000, 'purchase')).toBe('silver');
    });

    it('moves a purchase only up and a refund only down, and lands where the spend earns when it moves', () => {
      const codes = DEFAULT_TIERS.map((t) => t.code);
      const min = (code: string) => DEFAULT_TIERS.find((t) => t.code === code)!.minSpendFen;
      fc.assert(
        fc.property(
          fc.constantFrom(...codes),
          fc.integer({ min: -100_000, max: 5_000_000 }),
          fc.constantFrom('purchase' as const, 'refund' as const),
          (current, spend, change) => {
            const next = after(current, spend, change);
            if (change === 'purchase') expect(min(next)).toBeGreaterThanOrEqual(min(current));
            else expect(min(next)).toBeLessThanOrEqual(min(current));
            if (next !== current) expect(next).toBe(tierForSpend(DEFAULT_TIERS, spend).code);
            if (change === 'refund') expect(min(next) <= Math.max(spend, 0) || next === 'normal').toBe(true);
          },
        ),
      );
    });
  });
});
