import fc from 'fast-check';
import {
  couponDiscountFen,
  couponNeedsAmount,
  couponUseRefusal,
  couponValidity,
  CouponTerms,
  describeCoupon,
  effectiveCouponStatus,
} from './coupons';

const now = new Date('2026-11-24T08:00:00Z');
const base: CouponTerms & { status: 'available' } = {
  kind: 'amount',
  valueFen: 2000,
  discountPermille: null,
  maxDiscountFen: null,
  thresholdFen: 10000,
  usableAt: 'alliance',
  merchantIds: [],
  firstOrderOnly: false,
  validFrom: new Date('2026-11-01T00:00:00Z'),
  validUntil: new Date('2026-12-01T00:00:00Z'),
  status: 'available',
};

describe('couponDiscountFen', () => {
  it('takes the value off once the threshold is met', () => {
    expect(couponDiscountFen(base, 9999)).toBe(0);
    expect(couponDiscountFen(base, 10000)).toBe(2000);
  });
  it('never takes off more than the amount', () => {
    expect(couponDiscountFen({ ...base, kind: 'no_threshold', thresholdFen: 0, valueFen: 500 }, 300)).toBe(
      300,
    );
  });
  it('rounds a discount down and caps it', () => {
    const d = { ...base, kind: 'discount' as const, valueFen: null, discountPermille: 850, thresholdFen: 0 };
    expect(couponDiscountFen(d, 999)).toBe(149); // 149.85 → 149
    expect(couponDiscountFen({ ...d, maxDiscountFen: 100 }, 999)).toBe(100);
  });
  it('gifts take nothing off the price', () => {
    expect(couponDiscountFen({ ...base, kind: 'gift', thresholdFen: 0 }, 5000)).toBe(0);
  });
  it('is always between 0 and the amount', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('amount', 'discount', 'no_threshold', 'gift'),
        fc.integer({ min: 1, max: 1_000_000 }),
        fc.integer({ min: 1, max: 999 }),
        fc.option(fc.integer({ min: 1, max: 100_000 })),
        fc.integer({ min: 0, max: 100_000 }),
        fc.integer({ min: 0, max: 10_000_000 }),
        (kind, valueFen, discountPermille, maxDiscountFen, thresholdFen, amountFen) => {
          const off = couponDiscountFen(
            { kind, valueFen, discountPermille, maxDiscountFen, thresholdFen },
            amountFen,
          );
          expect(Number.isInteger(off)).toBe(true);
          expect(off).toBeGreaterThanOrEqual(0);
          expect(off).toBeLessThanOrEqual(amountFen);
        },
      ),
    );
  });
});

describe('couponUseRefusal', () => {
  const ctx = { merchantId: '1', amountFen: 12000, now, hasPurchased: false };
  it('accepts a usable coupon', () => expect(couponUseRefusal(base, ctx)).toBeNull());
  it('refuses by status, time, place, threshold and first order', () => {
    expect(couponUseRefusal({ ...base, status: 'used' } as never, ctx)?.code).toBe('COUPON_NOT_AVAILABLE');
    expect(couponUseRefusal({ ...base, validUntil: now }, ctx)?.code).toBe('COUPON_NOT_AVAILABLE');
    expect(couponUseRefusal({ ...base, validFrom: new Date(now.getTime() + 1) }, ctx)?.code).toBe(
      'COUPON_NOT_YET_VALID',
    );
    expect(couponUseRefusal({ ...base, usableAt: 'merchant', merchantIds: ['2'] }, ctx)?.code).toBe(
      'COUPON_NOT_USABLE_HERE',
    );
    expect(couponUseRefusal({ ...base, usableAt: 'merchant', merchantIds: ['1'] }, ctx)).toBeNull();
    expect(couponUseRefusal(base, { ...ctx, amountFen: 9999 })?.code).toBe('THRESHOLD_NOT_MET');
    expect(couponUseRefusal(base, { ...ctx, amountFen: null })).toMatchObject({
      code: 'AMOUNT_REQUIRED',
      status: 422,
      message: '此券满 ¥100.00 可用，需要填写消费金额',
    });
    expect(couponUseRefusal({ ...base, firstOrderOnly: true }, { ...ctx, hasPurchased: true })?.code).toBe(
      'FIRST_ORDER_ONLY',
    );
  });
});

describe('couponNeedsAmount (the counter must be told the amount)', () => {
  const ctx = { merchantId: '1', amountFen: null, now, hasPurchased: false };
  const discount = {
    ...base,
    kind: 'discount' as const,
    thresholdFen: 0,
    valueFen: null,
    discountPermille: 850,
  };
  const free = { ...base, kind: 'no_threshold' as const, thresholdFen: 0, valueFen: 500 };
  it('holds for discounts and threshold coupons, not for flat no-threshold coupons or gifts', () => {
    expect(couponNeedsAmount(discount)).toBe(true);
    expect(couponNeedsAmount(base)).toBe(true);
    expect(couponNeedsAmount(free)).toBe(false);
    expect(couponNeedsAmount({ kind: 'gift', thresholdFen: 0 })).toBe(false);
  });
  it('refuses a discount coupon without an amount, and takes it with one', () => {
    expect(couponUseRefusal(discount, ctx)).toEqual({
      code: 'AMOUNT_REQUIRED',
      status: 422,
      message: '折扣券需要填写消费金额',
    });
    expect(couponUseRefusal(discount, { ...ctx, amountFen: 1 })).toBeNull();
    expect(couponUseRefusal(free, ctx)).toBeNull();
    expect(couponUseRefusal({ ...free, kind: 'gift', valueFen: null }, ctx)).toBeNull();
  });
});

describe('status and validity', () => {
  it('reads past-due available and sharing coupons as expired', () => {
    expect(effectiveCouponStatus('available', now, now)).toBe('expired');
    expect(effectiveCouponStatus('sharing', now, now)).toBe('expired');
    expect(effectiveCouponStatus('used', now, now)).toBe('used');
    expect(effectiveCouponStatus('available', new Date(now.getTime() + 1), now)).toBe('available');
  });
  it('computes relative and fixed validity', () => {
    expect(
      couponValidity({ validDays: 7, validFrom: null, validUntil: null }, now).validUntil.toISOString(),
    ).toBe('2026-12-01T08:00:00.000Z');
    const fixed = { validDays: null, validFrom: base.validFrom, validUntil: base.validUntil };
    expect(couponValidity(fixed, now)).toEqual({ validFrom: base.validFrom, validUntil: base.validUntil });
  });
  it('describes coupons the way Chinese shoppers read them', () => {
    expect(describeCoupon(base)).toBe('满100减20');
    expect(describeCoupon({ ...base, kind: 'no_threshold', thresholdFen: 0, valueFen: 500 })).toBe(
      '无门槛减5元',
    );
    expect(
      describeCoupon({
        ...base,
        kind: 'discount',
        thresholdFen: 0,
        discountPermille: 850,
        maxDiscountFen: 3000,
      }),
    ).toBe('8.5折 最高减30');
    expect(
      describeCoupon({
        ...base,
        kind: 'discount',
        thresholdFen: 0,
        discountPermille: 800,
        maxDiscountFen: null,
      }),
    ).toBe('8折');
    // exact, by integer arithmetic: 8.85 is not a float rounded to 8.8
    expect(
      describeCoupon({
        ...base,
        kind: 'discount',
        thresholdFen: 12_350,
        discountPermille: 885,
        maxDiscountFen: 1_005,
      }),
    ).toBe('满123.5 8.85折 最高减10.05');
  });
});
