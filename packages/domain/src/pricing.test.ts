import fc from 'fast-check';
import { CouponTerms } from './coupons';
import { bestCoupon, priceOrder, proportionalShare } from './pricing';

const now = new Date('2026-11-24T08:00:00Z');
const coupon = (over: Partial<CouponTerms> & { id?: string } = {}) => ({
  id: '1',
  kind: 'amount' as const,
  valueFen: 2000,
  discountPermille: null,
  maxDiscountFen: null,
  thresholdFen: 10000,
  usableAt: 'alliance' as const,
  merchantIds: [],
  firstOrderOnly: false,
  validFrom: new Date('2026-11-01T00:00:00Z'),
  validUntil: new Date('2026-12-01T00:00:00Z'),
  status: 'available' as const,
  ...over,
});
const base = {
  amountFen: 12000,
  tierDiscountPermille: 950,
  coupon: null,
  merchantId: '1',
  hasPurchased: false,
  pointsRequested: 0,
  pointsBalance: 0,
  pointValueFen: 1,
  now,
};

describe('priceOrder', () => {
  it('applies tier, then coupon on the member price, then points capped at half', () => {
    const r = priceOrder({ ...base, coupon: coupon(), pointsRequested: 10_000, pointsBalance: 10_000 });
    expect(r).toEqual({
      ok: true,
      price: {
        amountFen: 12000,
        tierDiscountFen: 600,
        memberDayDiscountFen: 0,
        couponDiscountFen: 2000,
        pointsUsed: 4700,
        pointsDiscountFen: 4700,
        payableFen: 4700,
      },
    });
  });
  it('takes the member day’s discount after the tier, before the coupon (its threshold sees it)', () => {
    const tenPercent = { offPermille: 100, offFen: null };
    const r = priceOrder({ ...base, memberDayDiscount: tenPercent });
    expect(r.ok && r.price).toMatchObject({
      tierDiscountFen: 600,
      memberDayDiscountFen: 1140, // 10% of 11400
      payableFen: 10260,
    });
    const withCoupon = priceOrder({ ...base, memberDayDiscount: tenPercent, coupon: coupon() });
    expect(withCoupon.ok && withCoupon.price).toMatchObject({ couponDiscountFen: 2000, payableFen: 8260 });
    const tooMuch = priceOrder({
      ...base,
      amountFen: 10_800,
      memberDayDiscount: tenPercent,
      coupon: coupon(),
    });
    expect(tooMuch).toMatchObject({ ok: false, refusal: { code: 'THRESHOLD_NOT_MET' } }); // 9234 < 10000
    const fiveYuan = priceOrder({
      ...base,
      amountFen: 300,
      memberDayDiscount: { offPermille: null, offFen: 500 },
    });
    expect(fiveYuan.ok && fiveYuan.price).toMatchObject({ memberDayDiscountFen: 285, payableFen: 0 });
  });
  it('checks the coupon threshold against the member price', () => {
    const r = priceOrder({ ...base, amountFen: 10200, coupon: coupon() }); // member price 9690 < 10000
    expect(r).toMatchObject({ ok: false, refusal: { code: 'THRESHOLD_NOT_MET' } });
  });
  it('uses only whole points and never more than the balance', () => {
    const r = priceOrder({
      ...base,
      tierDiscountPermille: 1000,
      amountFen: 1001,
      pointsRequested: 999,
      pointsBalance: 300,
      pointValueFen: 2,
    });
    expect(r.ok && r.price).toMatchObject({ pointsUsed: 250, pointsDiscountFen: 500, payableFen: 501 });
  });
  it('keeps every part whole and the payable between 0 and the amount', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10_000_000 }),
        fc.integer({ min: 500, max: 1000 }),
        fc.integer({ min: 0, max: 100_000 }),
        fc.integer({ min: 0, max: 100_000 }),
        fc.integer({ min: 1, max: 100 }),
        fc.option(
          fc.record({
            kind: fc.constantFrom('amount', 'no_threshold', 'discount' as const),
            valueFen: fc.integer({ min: 1, max: 50_000 }),
            thresholdFen: fc.integer({ min: 0, max: 100_000 }),
          }),
        ),
        fc.option(
          fc.oneof(
            fc.record({ offPermille: fc.integer({ min: 1, max: 500 }), offFen: fc.constant(null) }),
            fc.record({ offPermille: fc.constant(null), offFen: fc.integer({ min: 1, max: 50_000 }) }),
          ),
        ),
        (amountFen, tier, pointsRequested, pointsBalance, pointValueFen, c, md) => {
          const terms =
            c &&
            coupon({
              kind: c.kind,
              valueFen: c.valueFen,
              thresholdFen:
                c.kind === 'no_threshold'
                  ? 0
                  : Math.max(c.thresholdFen, c.kind === 'amount' ? c.valueFen : 0),
              discountPermille: c.kind === 'discount' ? 800 : null,
            });
          const r = priceOrder({
            ...base,
            amountFen,
            tierDiscountPermille: tier,
            coupon: terms,
            pointsRequested,
            pointsBalance,
            pointValueFen,
            memberDayDiscount: md,
          });
          if (!r.ok) return;
          const p = r.price;
          for (const v of Object.values(p)) expect(Number.isSafeInteger(v) && v >= 0).toBe(true);
          expect(
            p.tierDiscountFen +
              p.memberDayDiscountFen +
              p.couponDiscountFen +
              p.pointsDiscountFen +
              p.payableFen,
          ).toBe(amountFen);
          expect(p.pointsUsed).toBeLessThanOrEqual(pointsBalance);
        },
      ),
    );
  });
});

describe('bestCoupon', () => {
  it('prefers a first-order coupon, then the largest reduction', () => {
    const coupons = [
      coupon({ id: 'a', valueFen: 3000 }),
      coupon({ id: 'b', valueFen: 500, thresholdFen: 0, kind: 'no_threshold', firstOrderOnly: true }),
      coupon({ id: 'c', valueFen: 5000, thresholdFen: 50000 }),
    ];
    expect(bestCoupon(coupons, { ...base, pointsRequested: 0 })?.id).toBe('b');
    expect(bestCoupon(coupons, { ...base, hasPurchased: true, pointsRequested: 0 })?.id).toBe('a');
    expect(bestCoupon([coupon({ thresholdFen: 99_999 })], { ...base, pointsRequested: 0 })).toBeNull();
  });
});

describe('proportionalShare', () => {
  it('takes back exactly the whole after partial refunds that add up to the payable', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10_000 }),
        fc.array(fc.integer({ min: 1, max: 5_000 }), { minLength: 1, maxLength: 6 }),
        (quantity, parts) => {
          const payable = parts.reduce((s, x) => s + x, 0);
          let refunded = 0;
          let taken = 0;
          for (const part of parts) {
            const share = proportionalShare(quantity, payable, refunded, part);
            expect(share).toBeGreaterThanOrEqual(0);
            taken += share;
            refunded += part;
          }
          expect(taken).toBe(quantity);
        },
      ),
    );
  });
});
