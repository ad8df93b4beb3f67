import fc from 'fast-check';
import { DEFAULT_TIERS, tierForSpend, tierProgress } from './tiers';

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
    expect(tierProgress(DEFAULT_TIERS, 'diamond', 2_000_000).text).toBe('您已是最高等级黑钻');
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
});
