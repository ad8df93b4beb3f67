import fc from 'fast-check';
import {
  allocateSpend,
  DEFAULT_POINTS_POLICY,
  earnFunders,
  lotExpiresAt,
  pointsEarned,
  purchasePoints,
  splitInProportion,
} from './points';
import { DEFAULT_TIERS } from './tiers';

describe('pointsEarned', () => {
  it('gives one point per full yuan, times the tier multiplier, rounded down', () => {
    expect(pointsEarned(12_345, DEFAULT_POINTS_POLICY, 1000)).toBe(123);
    expect(pointsEarned(12_345, DEFAULT_POINTS_POLICY, 1500)).toBe(184);
    expect(pointsEarned(99, DEFAULT_POINTS_POLICY, 2000)).toBe(0);
    expect(pointsEarned(0, DEFAULT_POINTS_POLICY, 1000)).toBe(0);
  });
});

describe('purchasePoints', () => {
  it('earns at the rate of the tier held, the base rate for a tier off the ladder', () => {
    expect(purchasePoints(12_345, DEFAULT_POINTS_POLICY, DEFAULT_TIERS, 'gold')).toBe(184);
    expect(purchasePoints(12_345, DEFAULT_POINTS_POLICY, DEFAULT_TIERS, 'retired')).toBe(123);
  });

  it('is pointsEarned at the tier multiplier, and never falls when more is paid', () => {
    fc.assert(
      fc.property(
        fc.nat({ max: 10_000_000 }),
        fc.nat({ max: 10_000_000 }),
        fc.constantFrom(...DEFAULT_TIERS),
        fc.integer({ min: 1, max: 10_000 }),
        (paidFen, moreFen, tier, earnFenPerPoint) => {
          const policy = { ...DEFAULT_POINTS_POLICY, earnFenPerPoint };
          const points = purchasePoints(paidFen, policy, DEFAULT_TIERS, tier.code);
          expect(points).toBe(pointsEarned(paidFen, policy, tier.pointsMultiplierPermille));
          expect(purchasePoints(paidFen + moreFen, policy, DEFAULT_TIERS, tier.code)).toBeGreaterThanOrEqual(
            points,
          );
        },
      ),
    );
  });
});

describe('lotExpiresAt', () => {
  it('expires at the end of the month, 12 months on, in Shanghai', () => {
    // 2026-11-30 20:00 UTC is already 2026-12-01 in Shanghai: a December lot.
    expect(lotExpiresAt(new Date('2026-11-15T03:00:00Z'), 12).toISOString()).toBe('2027-11-30T16:00:00.000Z');
    expect(lotExpiresAt(new Date('2026-11-30T20:00:00Z'), 12).toISOString()).toBe('2027-12-31T16:00:00.000Z');
    expect(lotExpiresAt(new Date('2026-12-10T00:00:00Z'), 1).toISOString()).toBe('2027-01-31T16:00:00.000Z');
  });
});

describe('allocateSpend', () => {
  const now = new Date('2026-06-01T00:00:00Z');
  const lot = (id: string, remaining: number, expires: string) => ({
    id,
    remaining,
    expiresAt: new Date(expires),
  });

  it('takes the earliest-expiring lots first', () => {
    const lots = [
      lot('1', 50, '2027-03-01T00:00:00Z'),
      lot('2', 30, '2026-12-01T00:00:00Z'),
      lot('3', 40, '2027-01-01T00:00:00Z'),
    ];
    expect(allocateSpend(lots, 60, now)).toEqual([
      { lotId: '2', points: 30 },
      { lotId: '3', points: 30 },
    ]);
  });

  it('skips expired and empty lots, and refuses to overdraw', () => {
    const lots = [
      lot('1', 10, '2026-05-01T00:00:00Z'),
      lot('2', 0, '2027-01-01T00:00:00Z'),
      lot('3', 5, '2027-01-01T00:00:00Z'),
    ];
    expect(allocateSpend(lots, 5, now)).toEqual([{ lotId: '3', points: 5 }]);
    expect(allocateSpend(lots, 6, now)).toBeNull();
  });

  it('always takes exactly the points asked, never more than a lot holds, earliest first', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            remaining: fc.integer({ min: 0, max: 500 }),
            days: fc.integer({ min: -30, max: 400 }),
          }),
          { maxLength: 12 },
        ),
        fc.integer({ min: 1, max: 3000 }),
        (raw, points) => {
          const lots = raw.map((r, i) => ({
            id: String(i + 1),
            remaining: r.remaining,
            expiresAt: new Date(now.getTime() + r.days * 86_400_000),
          }));
          const usable = lots.filter((l) => l.expiresAt > now).reduce((s, l) => s + l.remaining, 0);
          const takes = allocateSpend(lots, points, now);
          if (usable < points) return expect(takes).toBeNull();
          expect(takes!.reduce((s, t) => s + t.points, 0)).toBe(points);
          for (const t of takes!) {
            const l = lots.find((x) => x.id === t.lotId)!;
            expect(t.points).toBeGreaterThan(0);
            expect(t.points).toBeLessThanOrEqual(l.remaining);
          }
          // Every lot expiring before the last one touched is used up.
          const last = lots.find((l) => l.id === takes!.at(-1)!.lotId)!;
          for (const l of lots.filter(
            (x) => x.expiresAt > now && x.expiresAt < last.expiresAt && x.remaining > 0,
          )) {
            expect(takes!.find((t) => t.lotId === l.id)?.points).toBe(l.remaining);
          }
        },
      ),
    );
  });
});

describe('splitInProportion', () => {
  it('gives each funder its share, the remainder to the largest fractions', () => {
    expect(splitInProportion(10, [100, 50])).toEqual([7, 3]);
    expect(splitInProportion(1, [1, 1])).toEqual([1, 0]);
    expect(splitInProportion(5, [0, 0])).toEqual([5, 0]);
  });

  it('sums to the total, and each part is within one point of its exact share', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1_000_000 }),
        fc.array(fc.integer({ min: 1, max: 100_000 }), { minLength: 1, maxLength: 6 }),
        (total, weights) => {
          const parts = splitInProportion(total, weights);
          const sum = weights.reduce((s, w) => s + w, 0);
          expect(parts.reduce((s, p) => s + p, 0)).toBe(total);
          parts.forEach((p, i) => {
            expect(Number.isInteger(p) && p >= 0).toBe(true);
            expect(Math.abs(p - (total * weights[i]) / sum)).toBeLessThan(1);
          });
        },
      ),
    );
  });
});

describe('earnFunders', () => {
  it('has the merchant fund its own points and each sponsor its share', () => {
    expect(earnFunders(300, '7', [{ sponsorMerchantId: '9', points: 100 }])).toEqual([
      { accountKind: 'merchant_funding', ownerId: '7', amount: -200 },
      { accountKind: 'merchant_funding', ownerId: '9', amount: -100 },
    ]);
    expect(earnFunders(50, null)).toEqual([{ accountKind: 'alliance', ownerId: '0', amount: -50 }]);
    // the merchant sponsoring its own promotion funds everything in one posting
    expect(earnFunders(300, '7', [{ sponsorMerchantId: '7', points: 150 }])).toEqual([
      { accountKind: 'merchant_funding', ownerId: '7', amount: -300 },
    ]);
    expect(() => earnFunders(10, '7', [{ sponsorMerchantId: '9', points: 11 }])).toThrow();
  });

  it('always funds exactly the points earned, one posting per account', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 100_000 }),
        fc.option(fc.constantFrom('1', '2', '3'), { nil: null }),
        fc.array(
          fc.record({
            sponsorMerchantId: fc.option(fc.constantFrom('1', '2', '3'), { nil: null }),
            points: fc.integer({ min: 0, max: 1_000 }),
          }),
          { maxLength: 4 },
        ),
        (points, merchantId, sponsored) => {
          const total = sponsored.reduce((s, x) => s + (x.sponsorMerchantId ? x.points : 0), 0);
          fc.pre(total <= points);
          const funders = earnFunders(points, merchantId, sponsored);
          expect(funders.reduce((s, f) => s + f.amount, 0)).toBe(-points);
          expect(funders.every((f) => f.amount < 0)).toBe(true);
          const keys = funders.map((f) => `${f.accountKind}:${f.ownerId}`);
          expect(new Set(keys).size).toBe(keys.length);
        },
      ),
    );
  });
});
