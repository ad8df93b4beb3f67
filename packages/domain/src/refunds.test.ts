import fc from 'fast-check';
import { refundEffects, type RefundedOrder } from './refunds';

const order = (o: Partial<RefundedOrder> = {}): RefundedOrder => ({
  payableFen: 10_000,
  refundedBeforeFen: 0,
  pointsEarned: 100,
  pointsUsed: 50,
  couponId: 'c1',
  ...o,
});

describe('refundEffects', () => {
  it('takes back in proportion and returns the coupon only with the full refund', () => {
    expect(refundEffects(order(), 3_000)).toEqual({
      full: false,
      pointsToClawBack: 30,
      pointsToGiveBack: 15,
      returnCoupon: false,
      tierSpendDeltaFen: -3_000,
    });
    expect(refundEffects(order({ refundedBeforeFen: 3_000 }), 7_000)).toEqual({
      full: true,
      pointsToClawBack: 70,
      pointsToGiveBack: 35,
      returnCoupon: true,
      tierSpendDeltaFen: -7_000,
    });
    expect(refundEffects(order({ couponId: null }), 10_000).returnCoupon).toBe(false);
  });

  it('refunds a nothing-to-pay order wholly', () => {
    expect(refundEffects(order({ payableFen: 0, pointsEarned: 0 }), 0)).toEqual({
      full: true,
      pointsToClawBack: 0,
      pointsToGiveBack: 50,
      returnCoupon: true,
      tierSpendDeltaFen: 0,
    });
  });

  it('refuses a refund beyond what was paid, or a negative one', () => {
    expect(() => refundEffects(order({ refundedBeforeFen: 9_000 }), 1_001)).toThrow();
    expect(() => refundEffects(order(), -1)).toThrow();
    expect(() => refundEffects(order(), 0.5)).toThrow();
  });

  it('adds partial refunds up exactly to the full one, never more than earned or spent', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 5_000 }), { minLength: 1, maxLength: 8 }),
        fc.nat(10_000),
        fc.nat(10_000),
        fc.option(fc.constant('c1'), { nil: null }),
        (parts, pointsEarned, pointsUsed, couponId) => {
          const payableFen = parts.reduce((s, x) => s + x, 0);
          const whole = refundEffects(
            { payableFen, refundedBeforeFen: 0, pointsEarned, pointsUsed, couponId },
            payableFen,
          );
          const sum = { clawed: 0, given: 0, spend: 0, coupons: 0 };
          let refundedBeforeFen = 0;
          parts.forEach((part, i) => {
            const e = refundEffects(
              { payableFen, refundedBeforeFen, pointsEarned, pointsUsed, couponId },
              part,
            );
            refundedBeforeFen += part;
            sum.clawed += e.pointsToClawBack;
            sum.given += e.pointsToGiveBack;
            sum.spend += e.tierSpendDeltaFen;
            sum.coupons += e.returnCoupon ? 1 : 0;
            expect(e.full).toBe(i === parts.length - 1);
            expect(sum.clawed).toBeLessThanOrEqual(pointsEarned);
            expect(sum.given).toBeLessThanOrEqual(pointsUsed);
          });
          expect(sum).toEqual({
            clawed: whole.pointsToClawBack,
            given: whole.pointsToGiveBack,
            spend: whole.tierSpendDeltaFen,
            coupons: whole.returnCoupon ? 1 : 0,
          });
          expect(whole.pointsToClawBack).toBe(pointsEarned);
          expect(whole.pointsToGiveBack).toBe(pointsUsed);
        },
      ),
    );
  });
});
