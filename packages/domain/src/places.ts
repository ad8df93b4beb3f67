import { couponDiscountFen, CouponTerms, describeCoupon } from './coupons';
import { formatFen, formatZhe } from './money';
import { businessDateTime } from './calendar';

/**
 * Where the card works (issue 14 item 10): how far a store is from the shopper, and what the card
 * gives at a merchant — computed from the coupon, tier and points rules, never written by hand.
 */
export interface LatLng {
  latitude: number;
  longitude: number;
}

/** Mean Earth radius (IUGG), metres. */
const EARTH_RADIUS_M = 6_371_008.8;

/** Great-circle distance in metres (haversine), rounded to the metre. */
export function distanceMetres(a: LatLng, b: LatLng): number {
  for (const p of [a, b]) {
    if (!Number.isFinite(p.latitude) || Math.abs(p.latitude) > 90) throw new Error('latitude out of range');
    if (!Number.isFinite(p.longitude) || Math.abs(p.longitude) > 180)
      throw new Error('longitude out of range');
  }
  const rad = (deg: number) => (deg * Math.PI) / 180;
  const dLat = rad(b.latitude - a.latitude);
  const dLng = rad(b.longitude - a.longitude);
  const h =
    Math.sin(dLat / 2) ** 2 + Math.cos(rad(a.latitude)) * Math.cos(rad(b.latitude)) * Math.sin(dLng / 2) ** 2;
  // min(1, …) guards against rounding just above 1 for antipodal points.
  return Math.round(2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h))));
}

/**
 * WGS-84 (GPS, what a browser's geolocation answers) to GCJ-02 (what maps in China, wx.openLocation
 * and the stores' coordinates use): the published approximation of the national offset, a few
 * hundred metres in Shanghai. Outside mainland China both systems agree.
 */
export function wgs84ToGcj02(p: LatLng): LatLng {
  const { latitude: lat, longitude: lng } = p;
  if (lng < 72.004 || lng > 137.8347 || lat < 0.8293 || lat > 55.8271)
    return { latitude: lat, longitude: lng };
  const a = 6378245.0;
  const ee = 0.006693421622965943;
  const x = lng - 105;
  const y = lat - 35;
  const pi = Math.PI;
  const third = (u: number, v: number, p1: number, p2: number) =>
    ((p1 * Math.sin(u * pi) + p2 * Math.sin(v * pi)) * 2) / 3;
  const ripple = third(6 * x, 2 * x, 20, 20);
  let dLat =
    -100 +
    2 * x +
    3 * y +
    0.2 * y * y +
    0.1 * x * y +
    0.2 * Math.sqrt(Math.abs(x)) +
    ripple +
    third(y, y / 3, 20, 40) +
    third(y / 12, y / 30, 160, 320);
  let dLng =
    300 +
    x +
    2 * y +
    0.1 * x * x +
    0.1 * x * y +
    0.1 * Math.sqrt(Math.abs(x)) +
    ripple +
    third(x, x / 3, 20, 40) +
    third(x / 12, x / 30, 150, 300);
  const radLat = (lat / 180) * pi;
  const magic = 1 - ee * Math.sin(radLat) ** 2;
  const sqrtMagic = Math.sqrt(magic);
  dLat = (dLat * 180) / (((a * (1 - ee)) / (magic * sqrtMagic)) * pi);
  dLng = (dLng * 180) / ((a / sqrtMagic) * Math.cos(radLat) * pi);
  return { latitude: lat + dLat, longitude: lng + dLng };
}

/** 80 → '80m', 1234 → '1.2km', 25_400 → '25km': how a list shows a distance. */
export function formatDistance(metres: number): string {
  if (!Number.isFinite(metres) || metres < 0) throw new Error('metres must be a non-negative number');
  if (metres < 1000) return `${Math.round(metres)}m`;
  if (metres < 10_000) return `${(Math.floor(metres / 100) / 10).toFixed(1)}km`;
  return `${Math.floor(metres / 1000)}km`;
}

/**
 * Places nearest first from `from`; places without coordinates keep their order after the others.
 * Stable, so equal distances keep the given order.
 */
export function sortByDistance<T extends { latitude: number | null; longitude: number | null }>(
  places: readonly T[],
  from: LatLng,
): { place: T; distanceMetres: number | null }[] {
  return places
    .map((place, index) => ({
      place,
      index,
      distanceMetres:
        place.latitude === null || place.longitude === null
          ? null
          : distanceMetres(from, { latitude: place.latitude, longitude: place.longitude }),
    }))
    .sort((x, y) => {
      if (x.distanceMetres === null || y.distanceMetres === null)
        return x.distanceMetres === y.distanceMetres ? x.index - y.index : x.distanceMetres === null ? 1 : -1;
      return x.distanceMetres - y.distanceMetres || x.index - y.index;
    })
    .map(({ place, distanceMetres }) => ({ place, distanceMetres }));
}

/** The purchase a coupon's worth is compared on: ¥100, or the coupon's threshold when higher. */
export const COUPON_COMPARISON_AMOUNT_FEN = 10_000;

type OfferTerms = Pick<
  CouponTerms,
  'kind' | 'valueFen' | 'discountPermille' | 'maxDiscountFen' | 'thresholdFen' | 'usableAt' | 'merchantIds'
> & { id: string; title: string };

export interface CardCouponsAt {
  /** coupons the member holds that can be used at this merchant */
  held: number;
  /** coupon templates of 领券中心 usable here that the member can still claim */
  claimable: number;
  /** the one worth most on a ¥100 purchase (or at its threshold), held ones first on a tie */
  best: { id: string; title: string; text: string; held: boolean } | null;
}

export interface CardBenefitsAt {
  coupons: CardCouponsAt;
  /** the member's tier price, null when the tier pays full price */
  memberPrice: { tierName: string; discountPermille: number; text: string } | null;
  points: { earnFenPerPoint: number; multiplierPermille: number; text: string };
}

function usableAt(terms: Pick<CouponTerms, 'usableAt' | 'merchantIds'>, merchantId: string): boolean {
  return terms.usableAt === 'alliance' || terms.merchantIds.includes(merchantId);
}

/**
 * What the card gives at `merchantId`: the member's coupons usable there and the claimable offers
 * usable there (`held` / `claimable` must already be narrowed to what is available now and, for
 * offers, what is left and within the member's limit), the tier price and the earn rate.
 */
export function cardBenefitsAt(
  merchantId: string,
  input: {
    held: readonly OfferTerms[];
    claimable: readonly OfferTerms[];
    tier: { name: string; discountPermille: number; pointsMultiplierPermille: number };
    earnFenPerPoint: number;
  },
): CardBenefitsAt {
  const held = input.held.filter((c) => usableAt(c, merchantId));
  const claimable = input.claimable.filter((c) => usableAt(c, merchantId));
  let best: { terms: OfferTerms; off: number; held: boolean } | null = null;
  for (const [list, isHeld] of [
    [held, true],
    [claimable, false],
  ] as const) {
    for (const terms of list) {
      const off = couponDiscountFen(terms, Math.max(COUPON_COMPARISON_AMOUNT_FEN, terms.thresholdFen));
      // A gift coupon takes nothing off but is still worth showing when it is all there is.
      if (!best || off > best.off) best = { terms, off, held: isHeld };
    }
  }
  const { tier } = input;
  return {
    coupons: {
      held: held.length,
      claimable: claimable.length,
      best: best && {
        id: best.terms.id,
        title: best.terms.title,
        text: describeCoupon(best.terms),
        held: best.held,
      },
    },
    memberPrice:
      tier.discountPermille < 1000
        ? {
            tierName: tier.name,
            discountPermille: tier.discountPermille,
            text: `${tier.name}${formatZhe(tier.discountPermille)}`,
          }
        : null,
    points: {
      earnFenPerPoint: input.earnFenPerPoint,
      multiplierPermille: tier.pointsMultiplierPermille,
      text: describeEarnRate(input.earnFenPerPoint, tier.pointsMultiplierPermille),
    },
  };
}

/** 100, 1000 → '每消费¥1得1积分'; 100, 1500 → '每消费¥1得1.5积分'; 250, 1000 → '每消费¥2.5得1积分'. */
export function describeEarnRate(earnFenPerPoint: number, multiplierPermille: number): string {
  if (!Number.isSafeInteger(earnFenPerPoint) || earnFenPerPoint <= 0)
    throw new Error('earnFenPerPoint must be a positive integer');
  const spend = formatFen(earnFenPerPoint)
    .replace(/\.00$/, '')
    .replace(/(\.\d)0$/, '$1');
  const points = String(multiplierPermille / 1000);
  return `每消费${spend}得${points}积分`;
}

/**
 * Whether a store is open at `at` (Asia/Shanghai wall time), from its 'HH:mm' opening and closing
 * times; hours past midnight (22:00–02:00) wrap. null when the store gives no times to go by.
 */
export function isOpenAt(
  store: { opensAt: string | null; closesAt: string | null },
  at: Date,
): boolean | null {
  const { opensAt, closesAt } = store;
  if (!opensAt || !closesAt || opensAt === closesAt) return null;
  const now = businessDateTime(at).slice(11, 16);
  return opensAt < closesAt ? now >= opensAt && now < closesAt : now >= opensAt || now < closesAt;
}
