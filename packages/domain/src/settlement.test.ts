import fc from 'fast-check';
import {
  bearerOfCoupon,
  couponSubsidyEntry,
  foldSettlement,
  paidOrderEntries,
  type PointsAccountKind,
  type PostingTotals,
  refundReversals,
  type SettlementEntryDraft,
  type SettlementPosition,
} from './settlement';

const merchants = [
  { id: '1', name: '咖啡店' },
  { id: '2', name: '面包房' },
  { id: '3', name: '花店' },
];
const merchantId = fc.constantFrom('1', '2', '3', '9'); // 9: not in the list (a row is made for it)
const issuer = fc.oneof(
  fc.record({ issuerType: fc.constant('alliance' as const), issuerMerchantId: fc.constant(null) }),
  fc.record({ issuerType: fc.constant('merchant' as const), issuerMerchantId: merchantId }),
);
const entry: fc.Arbitrary<SettlementEntryDraft> = fc.record({
  kind: fc.constantFrom('coupon_subsidy' as const, 'tier_discount' as const),
  beneficiaryMerchantId: merchantId,
  bearer: fc.oneof(fc.constant('alliance'), merchantId),
  amountFen: fc.integer({ min: -1e9, max: 1e9 }),
});
const account = fc.record({
  accountKind: fc.constantFrom<PointsAccountKind>(
    'member',
    'merchant_funding',
    'merchant_redemption',
    'alliance',
    'breakage',
    'alliance_adjustment',
  ),
  ownerId: merchantId,
});

/** Transactions of two postings that sum to zero, totalled per account as the report's query does. */
const balancedPostings = fc
  .array(fc.tuple(account, account, fc.integer({ min: 1, max: 1e6 })), { maxLength: 30 })
  .map((txs) =>
    totals(
      txs.flatMap(([a, b, points]) => [
        { ...a, amount: points },
        { ...b, amount: -points },
      ]),
    ),
  );

function totals(
  postings: { accountKind: PointsAccountKind; ownerId: string; amount: number }[],
): PostingTotals[] {
  const byAccount = new Map<string, PostingTotals>();
  for (const p of postings) {
    // The non-merchant accounts have one owner each, as in the ledger.
    const ownerId = p.accountKind.startsWith('merchant_') ? p.ownerId : '0';
    const key = `${p.accountKind}:${ownerId}`;
    const t = byAccount.get(key) ?? { accountKind: p.accountKind, ownerId, credited: 0, debited: 0 };
    if (p.amount > 0) t.credited += p.amount;
    else t.debited -= p.amount;
    byAccount.set(key, t);
  }
  return [...byAccount.values()];
}

const fold = (entries: SettlementEntryDraft[], postings: PostingTotals[] = [], pointValueFen = 1) =>
  foldSettlement({ merchants, postings, entries, pointValueFen });
const sum = (rows: SettlementPosition[], pick: (r: SettlementPosition) => number) =>
  rows.reduce((s, r) => s + pick(r), 0);
const discountFields = (r: SettlementPosition) => [
  r.couponsRedeemedHereFen,
  r.couponsBorneFen,
  r.tierDiscountsGivenFen,
  r.tierDiscountsReceivableFen,
  r.tierDiscountsBorneFen,
  r.netFen,
];

describe('who bears a discount', () => {
  it('is the coupon’s issuing merchant, or the alliance', () => {
    expect(bearerOfCoupon({ issuerType: 'merchant', issuerMerchantId: '2' })).toBe('2');
    expect(bearerOfCoupon({ issuerType: 'alliance', issuerMerchantId: null })).toBe('alliance');
    // a merchant coupon whose issuer is unknown falls to the alliance
    expect(bearerOfCoupon({ issuerType: 'merchant', issuerMerchantId: null })).toBe('alliance');
  });

  it('settles nothing for a merchant’s own coupon at its own counter, or no discount', () => {
    expect(couponSubsidyEntry('2', { issuerType: 'merchant', issuerMerchantId: '2' }, 500)).toBeNull();
    expect(couponSubsidyEntry('1', { issuerType: 'alliance', issuerMerchantId: null }, 0)).toBeNull();
    expect(couponSubsidyEntry('1', { issuerType: 'merchant', issuerMerchantId: '2' }, 500)).toEqual({
      kind: 'coupon_subsidy',
      beneficiaryMerchantId: '1',
      bearer: '2',
      amountFen: 500,
    });
  });

  it('posts a paid order’s coupon and tier discount, the tier discount borne as the setting says', () => {
    const order = { merchantId: '1', couponDiscountFen: 700, tierDiscountFen: 300 };
    expect(paidOrderEntries(order, { issuerType: 'alliance', issuerMerchantId: null }, 'merchant')).toEqual([
      { kind: 'coupon_subsidy', beneficiaryMerchantId: '1', bearer: 'alliance', amountFen: 700 },
      { kind: 'tier_discount', beneficiaryMerchantId: '1', bearer: '1', amountFen: 300 },
    ]);
    expect(paidOrderEntries(order, null, 'alliance')).toEqual([
      { kind: 'tier_discount', beneficiaryMerchantId: '1', bearer: 'alliance', amountFen: 300 },
    ]);
    expect(
      paidOrderEntries({ ...order, couponDiscountFen: 0, tierDiscountFen: 0 }, null, 'alliance'),
    ).toEqual([]);
  });
});

describe('foldSettlement', () => {
  it('owes a discount to where it was given by whoever bears it', () => {
    const { rows, balanced } = fold([
      { kind: 'coupon_subsidy', beneficiaryMerchantId: '1', bearer: '2', amountFen: 500 },
      { kind: 'tier_discount', beneficiaryMerchantId: '1', bearer: 'alliance', amountFen: 300 },
      { kind: 'tier_discount', beneficiaryMerchantId: '3', bearer: '3', amountFen: 200 },
    ]);
    expect(balanced).toBe(true);
    const by = (name: string) => rows.find((r) => r.name === name)!;
    expect(by('咖啡店')).toMatchObject({
      couponsRedeemedHereFen: 500,
      tierDiscountsGivenFen: 300,
      tierDiscountsReceivableFen: 300,
      netFen: 800,
    });
    expect(by('面包房')).toMatchObject({ couponsBorneFen: 500, netFen: -500 });
    expect(by('联盟运营方')).toMatchObject({ tierDiscountsBorneFen: 300, netFen: -300 });
    // a merchant bearing its own tier discount shows it and settles it with nobody
    expect(by('花店')).toMatchObject({ tierDiscountsGivenFen: 200, tierDiscountsBorneFen: 0, netFen: 0 });
  });

  it('values points funded at one merchant and spent at another', () => {
    const { rows, balanced } = fold(
      [],
      totals([
        { accountKind: 'member', ownerId: '0', amount: 100 },
        { accountKind: 'merchant_funding', ownerId: '1', amount: -100 },
        { accountKind: 'member', ownerId: '0', amount: -60 },
        { accountKind: 'merchant_redemption', ownerId: '2', amount: 60 },
        { accountKind: 'member', ownerId: '0', amount: -40 },
        { accountKind: 'breakage', ownerId: '0', amount: 40 },
      ]),
      2,
    );
    expect(balanced).toBe(true);
    expect(
      rows.map((r) => [r.party, r.merchantId, r.pointsFunded, r.pointsRedeemed, r.pointsNet, r.netFen]),
    ).toEqual([
      ['merchant', '1', 100, 0, -100, -200],
      ['merchant', '2', 0, 60, 60, 120],
      ['merchant', '3', 0, 0, 0, 0],
      ['alliance', null, 0, 0, 0, 0],
      ['breakage', null, 0, 0, 40, 80],
      ['members', null, 0, 0, 0, 0],
    ]);
  });

  it('always sums to zero, in money and in points, whatever the entries and balanced transactions', () => {
    fc.assert(
      fc.property(
        fc.array(entry, { maxLength: 40 }),
        balancedPostings,
        fc.integer({ min: 0, max: 1000 }),
        (entries, postings, pointValueFen) => {
          const { rows, balanced } = fold(entries, postings, pointValueFen);
          expect(balanced).toBe(true);
          expect(sum(rows, (r) => r.netFen)).toBe(0);
          expect(sum(rows, (r) => r.pointsNet)).toBe(0);
          expect(sum(rows, (r) => r.couponsRedeemedHereFen - r.couponsBorneFen)).toBe(0);
          // every party of an entry or posting has a row, each once
          expect(new Set(rows.map((r) => `${r.party}:${r.merchantId}`)).size).toBe(rows.length);
          for (const e of entries)
            expect(rows.some((r) => r.merchantId === e.beneficiaryMerchantId)).toBe(true);
        },
      ),
    );
  });

  it('is not balanced when a posting has no counterpart', () => {
    fc.assert(
      fc.property(balancedPostings, account, fc.integer({ min: 1, max: 1e6 }), (postings, a, points) => {
        expect(fold([], [...postings, ...totals([{ ...a, amount: points }])]).balanced).toBe(false);
      }),
    );
  });

  it('does not depend on the order of the entries', () => {
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 20 }), (entries) => {
        expect(fold([...entries].reverse())).toEqual(fold(entries));
      }),
    );
  });
});

describe('refundReversals', () => {
  const paidOrder = fc.record({
    merchantId,
    couponDiscountFen: fc.integer({ min: 0, max: 1e6 }),
    tierDiscountFen: fc.integer({ min: 0, max: 1e6 }),
  });
  /** A payable amount cut into the refunds that repay it, in order. */
  const refundsOf = (payableFen: number) =>
    fc.uniqueArray(fc.integer({ min: 1, max: Math.max(1, payableFen - 1) }), { maxLength: 5 }).map((cuts) => {
      const points = [0, ...cuts.filter((c) => c < payableFen).sort((a, b) => a - b), payableFen];
      return points.slice(1).map((to, i) => ({ before: points[i], amountFen: to - points[i] }));
    });

  it('cancels the payment’s entries exactly once the order is wholly refunded, in any number of parts', () => {
    fc.assert(
      fc.property(
        paidOrder,
        issuer,
        fc.constantFrom('alliance' as const, 'merchant' as const),
        fc
          .integer({ min: 0, max: 1e7 })
          .chain((payableFen) => fc.tuple(fc.constant(payableFen), refundsOf(payableFen))),
        (order, couponIssuer, borneBy, [payableFen, refunds]) => {
          const posted = paidOrderEntries(order, couponIssuer, borneBy);
          const reversals = refunds.flatMap((r, i) =>
            refundReversals(posted, payableFen, {
              amountFen: r.amountFen,
              refundedBeforeFen: r.before,
              full: i === refunds.length - 1,
            }),
          );
          for (const r of reversals) expect(r.amountFen).toBeLessThan(0);
          const { rows, balanced } = fold([...posted, ...reversals]);
          expect(balanced).toBe(true);
          for (const r of rows) expect(discountFields(r)).toEqual([0, 0, 0, 0, 0, 0]);
        },
      ),
    );
  });

  it('keeps the coupon subsidy until the refund that completes the order, and never reverses more', () => {
    fc.assert(
      fc.property(
        paidOrder,
        issuer,
        fc
          .integer({ min: 2, max: 1e7 })
          .chain((payableFen) =>
            fc.tuple(fc.constant(payableFen), fc.integer({ min: 1, max: payableFen - 1 })),
          ),
        (order, couponIssuer, [payableFen, partFen]) => {
          const posted = paidOrderEntries(order, couponIssuer, 'alliance');
          const part = refundReversals(posted, payableFen, {
            amountFen: partFen,
            refundedBeforeFen: 0,
            full: false,
          });
          expect(part.some((e) => e.kind === 'coupon_subsidy')).toBe(false);
          for (const r of part) {
            const original = posted.find((e) => e.kind === r.kind)!;
            expect(-r.amountFen).toBeLessThanOrEqual(original.amountFen);
            expect(r).toMatchObject({
              beneficiaryMerchantId: original.beneficiaryMerchantId,
              bearer: original.bearer,
            });
          }
        },
      ),
    );
  });

  it('reverses a nothing-to-pay order wholly on its refund, and keeps extra fields of the entries', () => {
    const posted = [
      {
        id: 'e1',
        kind: 'coupon_subsidy' as const,
        beneficiaryMerchantId: '1',
        bearer: 'alliance',
        amountFen: 1000,
      },
      { id: 'e2', kind: 'tier_discount' as const, beneficiaryMerchantId: '1', bearer: '1', amountFen: 50 },
    ];
    expect(refundReversals(posted, 0, { amountFen: 0, refundedBeforeFen: 0, full: true })).toEqual([
      { ...posted[0], amountFen: -1000 },
      { ...posted[1], amountFen: -50 },
    ]);
    expect(refundReversals(posted, 0, { amountFen: 0, refundedBeforeFen: 0, full: false })).toEqual([]);
  });
});
