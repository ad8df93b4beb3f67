import fc from 'fast-check';
import {
  COUNTER_VOID_ADMIN_WINDOW_MS,
  COUNTER_VOID_CLERK_WINDOW_MS,
  counterVoidDeadline,
  counterVoidRefusal,
  priceCounterBill,
} from './counter';
import { priceOrder } from './pricing';

const at = new Date('2026-12-07T02:00:00Z');
const later = (ms: number) => new Date(at.getTime() + ms);

describe('counterVoidRefusal', () => {
  it('lets a clerk void within 30 minutes, then only the merchant admin', () => {
    expect(counterVoidRefusal('clerk', at, later(COUNTER_VOID_CLERK_WINDOW_MS - 1))).toBeNull();
    expect(counterVoidRefusal('clerk', at, later(COUNTER_VOID_CLERK_WINDOW_MS))).toEqual({
      code: 'APPROVAL_REQUIRED',
      status: 403,
      message: '超过30分钟的记录需由店长撤销',
    });
    expect(counterVoidRefusal('merchant_admin', at, later(COUNTER_VOID_CLERK_WINDOW_MS))).toBeNull();
  });
  it('closes for everyone after 7 days', () => {
    expect(counterVoidRefusal('merchant_admin', at, later(COUNTER_VOID_ADMIN_WINDOW_MS - 1))).toBeNull();
    for (const role of ['clerk', 'merchant_admin'] as const)
      expect(counterVoidRefusal(role, at, later(COUNTER_VOID_ADMIN_WINDOW_MS))?.code).toBe(
        'VOID_WINDOW_PASSED',
      );
  });
  it('refuses exactly from the deadline on', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('clerk' as const, 'merchant_admin' as const),
        fc.integer({ min: -1e9, max: 1e9 }),
        (role, ms) => {
          const refused = counterVoidRefusal(role, at, later(ms)) !== null;
          expect(refused).toBe(later(ms) >= counterVoidDeadline(role, at));
        },
      ),
    );
  });
});

describe('priceCounterBill', () => {
  const amount = (valueFen: number, thresholdFen: number) => ({
    kind: 'amount' as const,
    valueFen,
    discountPermille: null,
    maxDiscountFen: null,
    thresholdFen,
  });

  it('takes the member day off first, then a coupon whose threshold the member price meets', () => {
    expect(priceCounterBill(10_000, { offPermille: 100, offFen: null }, null)).toEqual({
      amountFen: 10_000,
      memberDayDiscountFen: 1_000,
      couponDiscountFen: 0,
      payableFen: 9_000,
    });
    // ¥100 less ¥10 is under the ¥100 threshold: the coupon gives nothing
    expect(priceCounterBill(10_000, { offPermille: 100, offFen: null }, amount(500, 10_000))).toMatchObject({
      couponDiscountFen: 0,
      payableFen: 9_000,
    });
    expect(priceCounterBill(20_000, { offPermille: null, offFen: 500 }, amount(500, 10_000))).toEqual({
      amountFen: 20_000,
      memberDayDiscountFen: 500,
      couponDiscountFen: 500,
      payableFen: 19_000,
    });
    expect(priceCounterBill(300, { offPermille: null, offFen: 500 }, null).payableFen).toBe(0);
  });

  it('is the pay page’s price with no tier discount and no points (one rule)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10_000_000 }),
        fc.option(
          fc.oneof(
            fc.record({ offPermille: fc.integer({ min: 10, max: 500 }), offFen: fc.constant(null) }),
            fc.record({ offPermille: fc.constant(null), offFen: fc.integer({ min: 1, max: 50_000 }) }),
          ),
        ),
        fc.option(fc.tuple(fc.integer({ min: 1, max: 100_000 }), fc.integer({ min: 0, max: 200_000 }))),
        (amountFen, memberDay, terms) => {
          const coupon = terms ? amount(terms[0], terms[1]) : null;
          const bill = priceCounterBill(amountFen, memberDay, coupon);
          const order = priceOrder({
            amountFen,
            tierDiscountPermille: 1000,
            memberDayDiscount: memberDay,
            coupon: coupon && {
              ...coupon,
              status: 'available',
              usableAt: 'alliance',
              merchantIds: [],
              firstOrderOnly: false,
              validFrom: new Date(0),
              validUntil: new Date(8.64e15),
            },
            merchantId: 'm',
            hasPurchased: true,
            pointsRequested: 0,
            pointsBalance: 0,
            pointValueFen: 1,
            now: at,
          });
          const refused = !order.ok;
          // priceOrder refuses a coupon below its threshold; the counter bill then gives it nothing
          if (refused) expect(bill.couponDiscountFen).toBe(0);
          else {
            expect(bill.memberDayDiscountFen).toBe(order.price.memberDayDiscountFen);
            expect(bill.couponDiscountFen).toBe(order.price.couponDiscountFen);
            expect(bill.payableFen).toBe(order.price.payableFen);
          }
          expect(bill.payableFen).toBe(amountFen - bill.memberDayDiscountFen - bill.couponDiscountFen);
          expect(bill.payableFen).toBeGreaterThanOrEqual(0);
        },
      ),
    );
  });
});
