import fc from 'fast-check';
import {
  birthdaysFallingOn,
  isBirthday,
  memberDayText,
  nextMemberDay,
  multiplierText,
  isMemberDay,
  MAX_COMBINED_MULTIPLIER_PERMILLE,
  MemberDayRule,
  memberDayDiscountFor,
  memberDayDiscountText,
  memberDayProblem,
  PointsPromotionRule,
  promotionProblem,
  promotionsOverlap,
  purchaseEarning,
  stackedPromotionPermille,
  tierAtLeast,
} from './benefits';
import { parseInstant } from './calendar';
import { DEFAULT_POINTS_POLICY, purchasePoints } from './points';
import { priceOrder, proportionalShare } from './pricing';
import { DEFAULT_TIERS } from './tiers';

const at = (s: string) => parseInstant(s)!;
const saturdays: MemberDayRule = {
  weekday: 6,
  monthDay: null,
  pointsMultiplierPermille: 2000,
  minTierCode: null,
};
const base = { tiers: DEFAULT_TIERS, merchantId: '1', memberDay: saturdays, promotions: [] };
// 2026-12-05 is a Saturday in Shanghai
const saturday = at('2026-12-05T10:00:00+08:00');
const sunday = at('2026-12-06T10:00:00+08:00');

describe('the member day and the birthday in Asia/Shanghai', () => {
  it('is the weekday or the day of the month there, not in UTC', () => {
    expect(isMemberDay(saturdays, saturday)).toBe(true);
    expect(isMemberDay(saturdays, sunday)).toBe(false);
    // 00:30 Saturday in Shanghai is still Friday in UTC
    expect(isMemberDay(saturdays, at('2026-12-05T00:30:00+08:00'))).toBe(true);
    expect(isMemberDay(saturdays, at('2026-12-04T23:59:00+08:00'))).toBe(false);
    expect(isMemberDay({ weekday: null, monthDay: 5 }, saturday)).toBe(true);
    expect(isMemberDay(null, saturday)).toBe(false);
    expect(nextMemberDay(saturdays, sunday)).toEqual(at('2026-12-12T10:00:00+08:00'));
    expect(nextMemberDay({ weekday: null, monthDay: 1 }, sunday)).toEqual(at('2027-01-01T10:00:00+08:00'));
  });

  it('has a birthday on its month and day, 29 February on the 28th in other years', () => {
    expect(isBirthday('1990-12-05', at('2026-12-05T00:00:00+08:00'))).toBe(true);
    expect(isBirthday('1990-12-05', at('2026-12-04T23:59:59+08:00'))).toBe(false);
    expect(isBirthday('2000-02-29', at('2027-02-28T12:00:00+08:00'))).toBe(true);
    expect(isBirthday('2000-02-29', at('2028-02-28T12:00:00+08:00'))).toBe(false);
    expect(isBirthday('2000-02-29', at('2028-02-29T12:00:00+08:00'))).toBe(true);
    expect(isBirthday(null, saturday)).toBe(false);
    expect(birthdaysFallingOn(at('2027-02-28T08:00:00+08:00'))).toEqual(['02-28', '02-29']);
    expect(birthdaysFallingOn(at('2028-02-28T08:00:00+08:00'))).toEqual(['02-28']);
    expect(birthdaysFallingOn(at('2026-12-04T16:00:00Z'))).toEqual(['12-05']);
  });

  it('refuses a member day of the 29th–31st, both or neither day kind, a multiplier out of range', () => {
    expect(memberDayProblem({ ...saturdays, weekday: null, monthDay: 28 })).toBeNull();
    expect(memberDayProblem({ ...saturdays, weekday: null, monthDay: 31 })).toMatch(/1–28/);
    expect(memberDayProblem({ ...saturdays, monthDay: 3 })).toMatch(/选一个/);
    expect(memberDayProblem({ ...saturdays, weekday: null })).toMatch(/选一个/);
    expect(memberDayProblem({ ...saturdays, weekday: 8 as never })).toMatch(/周一到周日/);
    expect(memberDayProblem({ ...saturdays, pointsMultiplierPermille: 900 })).toMatch(/倍/);
    expect(memberDayProblem({ ...saturdays, pointsMultiplierPermille: 5001 })).toMatch(/最多 5 倍/);
  });
});

describe('purchaseEarning', () => {
  it('earns ¥100 at gold (1.5×) on a 2× member day 300 points, the day after 150', () => {
    expect(
      purchaseEarning(10_000, DEFAULT_POINTS_POLICY, { ...base, tierCode: 'gold', at: saturday }),
    ).toMatchObject({ points: 300, permille: 3000, memberDayPermille: 2000, capped: false });
    expect(
      purchaseEarning(10_000, DEFAULT_POINTS_POLICY, { ...base, tierCode: 'gold', at: sunday }),
    ).toMatchObject({
      points: 150,
      memberDayPermille: null,
    });
  });

  it('gives the member day only from its tier up', () => {
    const fromGold = { ...saturdays, minTierCode: 'gold' };
    const ctx = { ...base, memberDay: fromGold, at: saturday };
    expect(purchaseEarning(10_000, DEFAULT_POINTS_POLICY, { ...ctx, tierCode: 'silver' }).points).toBe(120);
    expect(purchaseEarning(10_000, DEFAULT_POINTS_POLICY, { ...ctx, tierCode: 'diamond' }).points).toBe(400);
    expect(tierAtLeast(DEFAULT_TIERS, 'retired', 'gold')).toBe(false);
  });

  it('stacks promotions in their window and merchants, capped at 5× (and says so)', () => {
    const promo = (id: string, m: number, merchantIds: string[] | null = null): PointsPromotionRule => ({
      id,
      multiplierPermille: m,
      startsAt: at('2026-12-01T00:00:00+08:00'),
      endsAt: at('2026-12-08T00:00:00+08:00'),
      merchantIds,
    });
    const ctx = { ...base, tierCode: 'diamond', at: saturday };
    const one = purchaseEarning(10_000, DEFAULT_POINTS_POLICY, {
      ...ctx,
      promotions: [promo('a', 1500, ['2'])],
    });
    expect(one).toMatchObject({ points: 400, promotionIds: [], capped: false });
    const capped = purchaseEarning(10_000, DEFAULT_POINTS_POLICY, {
      ...ctx,
      promotions: [promo('a', 3000), promo('b', 3000, ['1'])],
    });
    expect(capped).toMatchObject({ points: 500, permille: 5000, capped: true, promotionIds: ['a', 'b'] });
    expect(capped.promotionPoints).toBe(100);
    const later = purchaseEarning(10_000, DEFAULT_POINTS_POLICY, {
      ...ctx,
      at: at('2026-12-08T00:00:00+08:00'),
      promotions: [promo('a', 3000)],
    });
    expect(later).toMatchObject({ points: 200, promotionIds: [] });
  });

  const promotionArb = fc.record({
    id: fc.string({ minLength: 1, maxLength: 3 }),
    multiplierPermille: fc.integer({ min: 1000, max: 5000 }),
    startsAt: fc.date({ min: new Date('2026-01-01'), max: new Date('2027-01-01'), noInvalidDate: true }),
    endsAt: fc.date({ min: new Date('2026-01-01'), max: new Date('2028-01-01'), noInvalidDate: true }),
    merchantIds: fc.option(fc.array(fc.constantFrom('1', '2', '3'), { maxLength: 3 })),
  });
  const ctxArb = fc.record({
    tierCode: fc.constantFrom(...DEFAULT_TIERS.map((t) => t.code), 'retired'),
    merchantId: fc.constantFrom('1', '2', '3'),
    at: fc.date({ min: new Date('2026-01-01'), max: new Date('2027-12-31'), noInvalidDate: true }),
    memberDay: fc.option(
      fc.record({
        weekday: fc.constantFrom(1, 2, 3, 4, 5, 6, 7) as fc.Arbitrary<MemberDayRule['weekday']>,
        monthDay: fc.constant(null),
        pointsMultiplierPermille: fc.integer({ min: 1000, max: 5000 }),
        minTierCode: fc.option(fc.constantFrom(...DEFAULT_TIERS.map((t) => t.code))),
      }),
    ),
    promotions: fc.array(promotionArb, { maxLength: 5 }),
  });

  it('never exceeds the cap, never earns less than the tier alone, never falls when more is paid', () => {
    fc.assert(
      fc.property(fc.nat({ max: 10_000_000 }), fc.nat({ max: 1_000_000 }), ctxArb, (paidFen, moreFen, c) => {
        const ctx = { ...c, tiers: DEFAULT_TIERS };
        const e = purchaseEarning(paidFen, DEFAULT_POINTS_POLICY, ctx);
        const base = Math.floor(paidFen / DEFAULT_POINTS_POLICY.earnFenPerPoint);
        expect(e.permille).toBeLessThanOrEqual(MAX_COMBINED_MULTIPLIER_PERMILLE);
        expect(e.points).toBeLessThanOrEqual(base * 5);
        expect(e.points).toBeGreaterThanOrEqual(
          purchasePoints(paidFen, DEFAULT_POINTS_POLICY, DEFAULT_TIERS, c.tierCode),
        );
        expect(e.promotionPoints).toBeGreaterThanOrEqual(0);
        expect(e.promotionPoints).toBeLessThanOrEqual(e.points);
        expect(purchaseEarning(paidFen + moreFen, DEFAULT_POINTS_POLICY, ctx).points).toBeGreaterThanOrEqual(
          e.points,
        );
        if (e.capped) expect(e.permille).toBe(MAX_COMBINED_MULTIPLIER_PERMILLE);
      }),
    );
  });

  it('is the tier rule exactly when no member day or promotion applies', () => {
    fc.assert(
      fc.property(fc.nat({ max: 10_000_000 }), ctxArb, (paidFen, c) => {
        const ctx = { ...c, tiers: DEFAULT_TIERS, memberDay: null, promotions: [] };
        expect(purchaseEarning(paidFen, DEFAULT_POINTS_POLICY, ctx).points).toBe(
          purchasePoints(paidFen, DEFAULT_POINTS_POLICY, DEFAULT_TIERS, c.tierCode),
        );
      }),
    );
  });

  it('splits promoted points into sponsor shares that sum to the promotion points', () => {
    fc.assert(
      fc.property(fc.nat({ max: 10_000_000 }), ctxArb, (paidFen, c) => {
        const r = purchaseEarning(paidFen, DEFAULT_POINTS_POLICY, { ...c, tiers: DEFAULT_TIERS });
        expect(r.sponsored.reduce((s, x) => s + x.points, 0)).toBe(r.promotionPoints);
        for (const x of r.sponsored) expect(x.points).toBeGreaterThanOrEqual(0);
      }),
    );
  });

  it('adding a promotion never lowers the points (monotone stacking)', () => {
    fc.assert(
      fc.property(fc.nat({ max: 10_000_000 }), ctxArb, promotionArb, (paidFen, c, extra) => {
        const ctx = { ...c, tiers: DEFAULT_TIERS };
        const before = purchaseEarning(paidFen, DEFAULT_POINTS_POLICY, ctx).points;
        const after = purchaseEarning(paidFen, DEFAULT_POINTS_POLICY, {
          ...ctx,
          promotions: [...ctx.promotions, extra],
        });
        expect(after.points).toBeGreaterThanOrEqual(before);
      }),
    );
  });
});

describe('the member day’s discount and the whole pay-page rule', () => {
  const discountDay: MemberDayRule = {
    ...saturdays,
    discountPermille: 100,
    merchantIds: ['1'],
    minTierCode: 'gold',
  };
  it('applies on the day, from its tier up, at its merchants only', () => {
    const ctx = { ...base, memberDay: discountDay, tierCode: 'gold', at: saturday };
    expect(memberDayDiscountFor(ctx)).toEqual({ offPermille: 100, offFen: null });
    expect(memberDayDiscountFor({ ...ctx, at: sunday })).toBeNull();
    expect(memberDayDiscountFor({ ...ctx, tierCode: 'silver' })).toBeNull();
    expect(memberDayDiscountFor({ ...ctx, merchantId: '2' })).toBeNull();
    // the multiplier follows the same merchants
    expect(
      purchaseEarning(10_000, DEFAULT_POINTS_POLICY, { ...ctx, merchantId: '2' }).memberDayPermille,
    ).toBeNull();
    expect(memberDayDiscountFor({ ...ctx, memberDay: saturdays })).toBeNull(); // no discount set
    expect(memberDayProblem({ ...discountDay, discountFen: 500 })).toMatch(/选一个/);
    expect(memberDayProblem({ ...discountDay, discountPermille: 600 })).toMatch(/50%/);
    expect(memberDayProblem({ ...discountDay, merchantIds: [] })).toMatch(/至少选一个/);
    expect(memberDayProblem(discountDay)).toBeNull();
    expect(memberDayDiscountText({ offPermille: 100, offFen: null })).toBe('再享 9 折');
    expect(memberDayDiscountText({ offPermille: 150, offFen: null })).toBe('再享 8.5 折');
    expect(memberDayDiscountText({ offPermille: null, offFen: 500 })).toBe('再减 5 元');
  });

  it('preview = charge, and refunds in any steps take back exactly the points earned', () => {
    const dayArb = fc.record({
      weekday: fc.constantFrom(1, 6) as fc.Arbitrary<MemberDayRule['weekday']>,
      monthDay: fc.constant(null),
      pointsMultiplierPermille: fc.integer({ min: 1000, max: 5000 }),
      minTierCode: fc.option(fc.constantFrom(...DEFAULT_TIERS.map((t) => t.code))),
      discountPermille: fc.option(fc.integer({ min: 1, max: 500 })),
      discountFen: fc.constant(null),
      merchantIds: fc.option(fc.constant(['1'])),
    });
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5_000_000 }),
        fc.constantFrom(...DEFAULT_TIERS.map((t) => t.code)),
        fc.constantFrom('1', '2'),
        fc.option(dayArb),
        fc.array(fc.integer({ min: 1, max: 1_000_000 }), { minLength: 1, maxLength: 5 }),
        (amountFen, tierCode, merchantId, memberDay, steps) => {
          const ctx = { tiers: DEFAULT_TIERS, tierCode, merchantId, at: saturday, memberDay, promotions: [] };
          const price = () =>
            priceOrder({
              amountFen,
              tierDiscountPermille: DEFAULT_TIERS.find((t) => t.code === tierCode)!.discountPermille,
              memberDayDiscount: memberDayDiscountFor(ctx),
              coupon: null,
              merchantId,
              hasPurchased: true,
              pointsRequested: 0,
              pointsBalance: 0,
              pointValueFen: 1,
              now: saturday,
            });
          const preview = price();
          const charge = price();
          expect(charge).toEqual(preview);
          if (!preview.ok) throw new Error('no coupon: always priced');
          const p = preview.price;
          expect(p.tierDiscountFen + p.memberDayDiscountFen + p.payableFen).toBe(amountFen);
          const earned = purchaseEarning(p.payableFen, DEFAULT_POINTS_POLICY, ctx).points;
          let refunded = 0;
          let clawed = 0;
          for (const step of steps) {
            const amount = Math.min(step, p.payableFen - refunded);
            if (amount <= 0) break;
            clawed += proportionalShare(earned, p.payableFen, refunded, amount);
            refunded += amount;
          }
          clawed += proportionalShare(earned, p.payableFen, refunded, p.payableFen - refunded);
          expect(clawed).toBe(earned);
        },
      ),
    );
  });
});

describe('benefit texts', () => {
  it('says the member day and the multiplier as people read them', () => {
    expect(memberDayText({ weekday: 6, monthDay: null })).toBe('每周六');
    expect(memberDayText({ weekday: 7, monthDay: null })).toBe('每周日');
    expect(memberDayText({ weekday: null, monthDay: 18 })).toBe('每月 18 号');
    expect(multiplierText(2000)).toBe('双倍');
    expect(multiplierText(1500)).toBe('1.5 倍');
    expect(multiplierText(1250)).toBe('1.25 倍');
    expect(multiplierText(3000)).toBe('3 倍');
  });
});

describe('points promotions: terms, overlap, sponsors', () => {
  const window = (from: string, to: string) => ({ startsAt: at(from), endsAt: at(to) });
  it('refuses a multiplier of 1× or less or above 5×, an end not after the start, over a year', () => {
    const w = window('2026-12-01T00:00:00+08:00', '2026-12-08T00:00:00+08:00');
    expect(promotionProblem({ ...w, multiplierPermille: 2000 })).toBeNull();
    expect(promotionProblem({ ...w, multiplierPermille: 1000 })).toMatch(/大于 1 倍/);
    expect(promotionProblem({ ...w, multiplierPermille: 50_000 })).toMatch(/最多 5 倍/);
    expect(promotionProblem({ startsAt: w.endsAt, endsAt: w.startsAt, multiplierPermille: 2000 })).toMatch(
      /晚于开始/,
    );
    expect(
      promotionProblem({
        ...window('2026-01-01T00:00:00Z', '2027-06-01T00:00:00Z'),
        multiplierPermille: 2000,
      }),
    ).toMatch(/最长/);
  });

  it('stacks only promotions whose windows and merchants meet', () => {
    const p = (id: string, from: string, to: string, merchantIds: string[] | null, m = 2000) => ({
      id,
      multiplierPermille: m,
      merchantIds,
      ...window(from, to),
    });
    const a = p('1', '2026-12-01T00:00:00Z', '2026-12-10T00:00:00Z', ['1']);
    const b = p('2', '2026-12-09T00:00:00Z', '2026-12-20T00:00:00Z', null);
    const c = p('3', '2026-12-10T00:00:00Z', '2026-12-20T00:00:00Z', ['1']); // starts when a ends
    const d = p('4', '2026-12-01T00:00:00Z', '2026-12-20T00:00:00Z', ['2'], 3000);
    expect(promotionsOverlap(a, b)).toBe(true);
    expect(promotionsOverlap(a, c)).toBe(false);
    expect(promotionsOverlap(a, d)).toBe(false);
    expect(stackedPromotionPermille(b, [a, c, d])).toBe(2000 * 2 * 2 * 3);
    expect(stackedPromotionPermille(a, [a, b, c, d])).toBe(4000);
  });

  it('splits the promoted points by sponsor, the shares summing to the promotion points', () => {
    const promos: PointsPromotionRule[] = [
      {
        id: '1',
        multiplierPermille: 2000,
        merchantIds: null,
        sponsorMerchantId: '9',
        ...window('2026-12-01T00:00:00Z', '2026-12-31T00:00:00Z'),
      },
      {
        id: '2',
        multiplierPermille: 1500,
        merchantIds: null,
        sponsorMerchantId: null,
        ...window('2026-12-01T00:00:00Z', '2026-12-31T00:00:00Z'),
      },
    ];
    const e = purchaseEarning(10_000, DEFAULT_POINTS_POLICY, {
      ...base,
      memberDay: null,
      tierCode: 'gold',
      at: saturday,
      promotions: promos,
    });
    // 1.5 × 2 × 1.5 = 4.5× → 450; without promotions 150; '1' adds 150, '2' adds 150
    expect(e).toMatchObject({ points: 450, promotionPoints: 300 });
    expect(e.sponsored).toEqual([
      { promotionId: '1', sponsorMerchantId: '9', points: 150 },
      { promotionId: '2', sponsorMerchantId: null, points: 150 },
    ]);
  });
});
