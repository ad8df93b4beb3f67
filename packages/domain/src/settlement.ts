/**
 * Settlement between the merchants of an alliance. A discount given at merchant M and borne by X (a
 * coupon's issuer, or the alliance for tier discounts when it says so) is owed to M by X; points are
 * owed by whoever funded them to wherever they were spent. Entries are dated when they happen, so a
 * refund posts reversals in its own period. Every position sums to zero: the fold checks it.
 */
import { proportionalShare } from './pricing';

/** 'alliance' or the id of a merchant. */
export type Bearer = string;
export const ALLIANCE_BEARER: Bearer = 'alliance';

export type SettlementEntryKind = 'coupon_subsidy' | 'tier_discount';

/** A discount `beneficiaryMerchantId` gave and `bearer` bears; negative for a reversal. */
export interface SettlementEntryDraft {
  kind: SettlementEntryKind;
  beneficiaryMerchantId: string;
  bearer: Bearer;
  amountFen: number;
}

export interface CouponIssuer {
  issuerType: 'alliance' | 'merchant';
  issuerMerchantId: string | null;
}

/** Who bears a coupon's discount: its issuing merchant, or the alliance for the alliance's coupons. */
export function bearerOfCoupon(issuer: CouponIssuer): Bearer {
  return issuer.issuerType === 'merchant' && issuer.issuerMerchantId !== null
    ? issuer.issuerMerchantId
    : ALLIANCE_BEARER;
}

/** Who bears a member-tier discount given at `merchantId`, as the alliance's setting says. */
export function tierDiscountBearer(borneBy: 'alliance' | 'merchant', merchantId: string): Bearer {
  return borneBy === 'alliance' ? ALLIANCE_BEARER : merchantId;
}

/**
 * The entry for a coupon used at `merchantId`; null when there is nothing to settle (no discount, or a
 * merchant's own coupon at its own counter).
 */
export function couponSubsidyEntry(
  merchantId: string,
  issuer: CouponIssuer,
  discountFen: number,
): SettlementEntryDraft | null {
  const bearer = bearerOfCoupon(issuer);
  if (bearer === merchantId || discountFen <= 0) return null;
  return { kind: 'coupon_subsidy', beneficiaryMerchantId: merchantId, bearer, amountFen: discountFen };
}

/** What a paid order settles, given its coupon's issuer (null: no coupon) and the tier-discount setting. */
export function paidOrderEntries(
  order: { merchantId: string; couponDiscountFen: number; tierDiscountFen: number },
  couponIssuer: CouponIssuer | null,
  tierDiscountBorneBy: 'alliance' | 'merchant',
): SettlementEntryDraft[] {
  const entries: SettlementEntryDraft[] = [];
  const coupon = couponIssuer && couponSubsidyEntry(order.merchantId, couponIssuer, order.couponDiscountFen);
  if (coupon) entries.push(coupon);
  if (order.tierDiscountFen > 0)
    // When the merchant bears its own tier discounts the entry changes no hands, but it keeps the
    // discount visible in the report, and its reversal follows whoever bore it at payment.
    entries.push({
      kind: 'tier_discount',
      beneficiaryMerchantId: order.merchantId,
      bearer: tierDiscountBearer(tierDiscountBorneBy, order.merchantId),
      amountFen: order.tierDiscountFen,
    });
  return entries;
}

/**
 * The reversals of a refund of an order whose payment posted `originals`. A full refund reverses the
 * coupon subsidy whether or not the coupon could be returned (the purchase is undone); the tier discount
 * is reversed in proportion to the cumulative refunded amount, so partial refunds add up to the whole.
 */
export function refundReversals<E extends SettlementEntryDraft>(
  originals: readonly E[],
  payableFen: number,
  refund: { amountFen: number; refundedBeforeFen: number; full: boolean },
): (E & { amountFen: number })[] {
  return originals
    .map((entry) => {
      const reversed =
        entry.kind === 'tier_discount' && payableFen > 0
          ? proportionalShare(entry.amountFen, payableFen, refund.refundedBeforeFen, refund.amountFen)
          : refund.full
            ? entry.amountFen
            : 0;
      return { ...entry, amountFen: 0 - reversed };
    })
    .filter((entry) => entry.amountFen !== 0);
}

/** The ledger's accounts: every points transaction's postings sum to zero across them. */
export type PointsAccountKind =
  'member' | 'merchant_funding' | 'merchant_redemption' | 'alliance' | 'breakage' | 'alliance_adjustment';

/** A period's postings to one account: what it was credited (+) and debited (−), both ≥ 0. */
export interface PostingTotals {
  accountKind: PointsAccountKind;
  ownerId: string;
  credited: number;
  debited: number;
}

export type SettlementParty = 'merchant' | 'alliance' | 'breakage' | 'members';

export interface SettlementPosition {
  party: SettlementParty;
  merchantId: string | null;
  name: string;
  /** points issued here (funded by this merchant, or by the alliance for rewards) */
  pointsFunded: number;
  /** points spent here */
  pointsRedeemed: number;
  /** points this party holds a claim for (+) or owes (−): the sum of its postings */
  pointsNet: number;
  pointsNetFen: number;
  /** discounts this merchant gave on coupons issued by others (owed to it) */
  couponsRedeemedHereFen: number;
  /** discounts given elsewhere on coupons this party issued (it bears them) */
  couponsBorneFen: number;
  /** member-tier discounts given at this merchant, whoever bears them */
  tierDiscountsGivenFen: number;
  /** tier discounts given here that another party bears (owed to this merchant) */
  tierDiscountsReceivableFen: number;
  /** tier discounts given elsewhere that this party bears */
  tierDiscountsBorneFen: number;
  /** + receivable, − payable; all rows sum to zero */
  netFen: number;
}

export interface SettlementFold {
  /** the alliance's merchants first (as given), then the alliance, breakage and members */
  rows: SettlementPosition[];
  /** money and points positions each sum to zero */
  balanced: boolean;
}

/**
 * Folds a period's postings and settlement entries into one position per party. Points: every posting
 * belongs to exactly one party and every transaction sums to zero, so the point positions sum to zero;
 * entries move each amount from a bearer to a beneficiary. A party bearing its own discount settles it
 * with nobody. An entry or posting of a merchant missing from `merchants` still gets its row.
 */
export function foldSettlement(input: {
  merchants: readonly { id: string; name: string }[];
  postings: readonly PostingTotals[];
  entries: readonly SettlementEntryDraft[];
  pointValueFen: number;
}): SettlementFold {
  const rows = new Map<string, SettlementPosition>();
  const row = (key: string, party: SettlementParty, name: string, merchantId: string | null = null) => {
    let r = rows.get(key);
    if (!r) {
      r = {
        party,
        merchantId,
        name,
        pointsFunded: 0,
        pointsRedeemed: 0,
        pointsNet: 0,
        pointsNetFen: 0,
        couponsRedeemedHereFen: 0,
        couponsBorneFen: 0,
        tierDiscountsGivenFen: 0,
        tierDiscountsReceivableFen: 0,
        tierDiscountsBorneFen: 0,
        netFen: 0,
      };
      rows.set(key, r);
    }
    return r;
  };
  const merchantRow = (id: string) => row(`m:${id}`, 'merchant', `商户 ${id}`, id);
  for (const m of input.merchants) row(`m:${m.id}`, 'merchant', m.name, m.id);
  const alliance = row('alliance', 'alliance', '联盟运营方');
  const breakage = row('breakage', 'breakage', '过期积分（沉淀）');
  const members = row('members', 'members', '会员未用积分（期间变动）');

  for (const p of input.postings) {
    // An operator's points adjustment is the alliance's: it funds what it credits, takes what it debits.
    const kind = p.accountKind === 'alliance_adjustment' ? 'alliance' : p.accountKind;
    const target =
      kind === 'merchant_funding' || kind === 'merchant_redemption'
        ? merchantRow(p.ownerId)
        : { member: members, alliance, breakage }[kind];
    if (kind === 'merchant_funding' || kind === 'alliance') target.pointsFunded += p.debited;
    if (kind === 'merchant_redemption' || kind === 'alliance') target.pointsRedeemed += p.credited;
    target.pointsNet += p.credited - p.debited;
  }
  for (const e of input.entries) {
    const givenAt = merchantRow(e.beneficiaryMerchantId);
    const bearer = e.bearer === ALLIANCE_BEARER ? alliance : merchantRow(e.bearer);
    if (e.kind === 'tier_discount') givenAt.tierDiscountsGivenFen += e.amountFen;
    if (bearer === givenAt) continue;
    if (e.kind === 'coupon_subsidy') {
      givenAt.couponsRedeemedHereFen += e.amountFen;
      bearer.couponsBorneFen += e.amountFen;
    } else {
      givenAt.tierDiscountsReceivableFen += e.amountFen;
      bearer.tierDiscountsBorneFen += e.amountFen;
    }
  }

  const all = [...rows.values()].map((r) => {
    const pointsNetFen = r.pointsNet * input.pointValueFen;
    const discountsNetFen =
      r.couponsRedeemedHereFen - r.couponsBorneFen + r.tierDiscountsReceivableFen - r.tierDiscountsBorneFen;
    return { ...r, pointsNetFen, netFen: pointsNetFen + discountsNetFen };
  });
  const sum = (pick: (r: SettlementPosition) => number) => all.reduce((s, r) => s + pick(r), 0);
  return { rows: all, balanced: sum((r) => r.netFen) === 0 && sum((r) => r.pointsNet) === 0 };
}
