/**
 * Member benefits: the birthday and the member day (in Asia/Shanghai), and the ONE rule for how the
 * tier's points multiplier, the member day's and points promotions stack. The price preview, the
 * points shown before paying and the points a purchase earns all come from `purchaseEarning`.
 *
 * Stacking: the multipliers multiply (tier 1.5× on a 2× member day earns 3×), each step rounded
 * down to a whole per mille, and the product is capped at MAX_COMBINED_MULTIPLIER_PERMILLE so that
 * overlapping promotions can never multiply without limit.
 */
import { isoWeekday, IsoWeekday, monthDay as shanghaiMonthDay, businessDate } from './calendar';
import { pointsEarned, PointsPolicy } from './points';

/** The most any combination of tier, member day and promotions multiplies points by: 5×. */
export const MAX_COMBINED_MULTIPLIER_PERMILLE = 5000;
/** A member-day or promotion multiplier lies in 1×–5× (the cap would cut anything above anyway). */
export const MIN_BENEFIT_MULTIPLIER_PERMILLE = 1000;
export const MAX_BENEFIT_MULTIPLIER_PERMILLE = 5000;
/** A monthly member day falls on the 1st–28th, so that it comes every month. */
export const MAX_MEMBER_DAY_OF_MONTH = 28;

export interface MemberDayRule {
  /** ISO weekday, 1 = Monday; exactly one of weekday and monthDay is set */
  weekday: IsoWeekday | null;
  monthDay: number | null;
  pointsMultiplierPermille: number;
  /** only members at this tier or above (null: everyone) */
  minTierCode: string | null;
  /** the day's extra discount off the member price: per mille off (100 = 10% off), or fen off */
  discountPermille?: number | null;
  discountFen?: number | null;
  /** only at these merchants, both the multiplier and the discount (null/absent: the whole alliance) */
  merchantIds?: readonly string[] | null;
}

/** The member day's extra discount, as priceOrder takes it (one of the two is set). */
export interface MemberDayDiscount {
  offPermille: number | null;
  offFen: number | null;
}

/** A member-day discount lies in 1–50% off, or ¥0.01–¥500 off. */
export const MAX_MEMBER_DAY_DISCOUNT_PERMILLE = 500;
export const MAX_MEMBER_DAY_DISCOUNT_FEN = 50_000;

export interface PointsPromotionRule {
  id: string;
  multiplierPermille: number;
  /** [startsAt, endsAt) */
  startsAt: Date;
  endsAt: Date;
  /** null: the whole alliance */
  merchantIds: readonly string[] | null;
  /** the merchant that funds the extra points this promotion adds (null/absent: as ordinary points) */
  sponsorMerchantId?: string | null;
}

/** A promotion multiplies by more than 1× and at most 5×. */
export const MIN_PROMOTION_MULTIPLIER_PERMILLE = 1001;
/** A promotion runs at most a year. */
export const MAX_PROMOTION_DAYS = 366;

/** Why a promotion cannot be saved on its own terms (multiplier, window), or null. */
export function promotionProblem(
  p: Pick<PointsPromotionRule, 'multiplierPermille' | 'startsAt' | 'endsAt'>,
): string | null {
  if (
    !Number.isInteger(p.multiplierPermille) ||
    p.multiplierPermille < MIN_PROMOTION_MULTIPLIER_PERMILLE ||
    p.multiplierPermille > MAX_BENEFIT_MULTIPLIER_PERMILLE
  )
    return `积分活动的倍数须大于 1 倍、最多 ${MAX_BENEFIT_MULTIPLIER_PERMILLE / 1000} 倍`;
  if (!(p.endsAt.getTime() > p.startsAt.getTime())) return '积分活动的结束时间须晚于开始时间';
  if (p.endsAt.getTime() - p.startsAt.getTime() > MAX_PROMOTION_DAYS * 86_400_000)
    return `积分活动最长 ${MAX_PROMOTION_DAYS} 天`;
  return null;
}

/** Whether two promotions can ever apply to the same purchase (their windows and merchants meet). */
export function promotionsOverlap(
  a: Pick<PointsPromotionRule, 'startsAt' | 'endsAt' | 'merchantIds'>,
  b: Pick<PointsPromotionRule, 'startsAt' | 'endsAt' | 'merchantIds'>,
): boolean {
  if (!(a.startsAt < b.endsAt && b.startsAt < a.endsAt)) return false;
  if (!a.merchantIds || !b.merchantIds) return true;
  return a.merchantIds.some((m) => b.merchantIds!.includes(m));
}

/**
 * The most the promotions overlapping `candidate` multiply by together with it (per mille): an
 * upper bound, as if every overlapping one applied at once. Above the cap a new promotion is refused
 * ('overlapping promotions would multiply without limit'); tier × member day × promotions is then
 * still capped per purchase by earningMultiplier.
 */
export function stackedPromotionPermille(
  candidate: Pick<PointsPromotionRule, 'id' | 'startsAt' | 'endsAt' | 'merchantIds' | 'multiplierPermille'>,
  others: readonly PointsPromotionRule[],
): number {
  let product = candidate.multiplierPermille;
  for (const o of others)
    if (o.id !== candidate.id && promotionsOverlap(candidate, o))
      product = Math.floor((product * o.multiplierPermille) / 1000);
  return product;
}

export interface TierLike {
  code: string;
  minSpendFen: number;
  pointsMultiplierPermille: number;
}

/** Why a member-day rule cannot be saved, or null when it can. */
export function memberDayProblem(rule: MemberDayRule): string | null {
  const hasWeekday = rule.weekday !== null && rule.weekday !== undefined;
  const hasMonthDay = rule.monthDay !== null && rule.monthDay !== undefined;
  if (hasWeekday === hasMonthDay) return '会员日请在「每周几」和「每月几号」中选一个';
  if (hasWeekday && !(Number.isInteger(rule.weekday) && rule.weekday! >= 1 && rule.weekday! <= 7))
    return '每周的会员日须是周一到周日';
  if (
    hasMonthDay &&
    !(Number.isInteger(rule.monthDay) && rule.monthDay! >= 1 && rule.monthDay! <= MAX_MEMBER_DAY_OF_MONTH)
  )
    return `每月的会员日须在 1–${MAX_MEMBER_DAY_OF_MONTH} 号之间，这样每个月都有`;
  const permille = rule.discountPermille ?? null;
  const fen = rule.discountFen ?? null;
  if (permille !== null && fen !== null) return '会员日折扣请在「打折」和「立减」中选一个';
  if (
    permille !== null &&
    !(Number.isInteger(permille) && permille >= 1 && permille <= MAX_MEMBER_DAY_DISCOUNT_PERMILLE)
  )
    return `会员日折扣须在 0.1%–${MAX_MEMBER_DAY_DISCOUNT_PERMILLE / 10}% 之间`;
  if (fen !== null && !(Number.isInteger(fen) && fen >= 1 && fen <= MAX_MEMBER_DAY_DISCOUNT_FEN))
    return `会员日立减须在 0.01–${MAX_MEMBER_DAY_DISCOUNT_FEN / 100} 元之间`;
  if (rule.merchantIds && rule.merchantIds.length === 0) return '会员日的商户请至少选一个，或不限商户';
  return multiplierProblem(rule.pointsMultiplierPermille);
}

/** Why a member-day or promotion multiplier is out of range, or null. */
export function multiplierProblem(permille: number): string | null {
  if (
    !Number.isInteger(permille) ||
    permille < MIN_BENEFIT_MULTIPLIER_PERMILLE ||
    permille > MAX_BENEFIT_MULTIPLIER_PERMILLE
  )
    return `积分倍数须在 1–${MAX_BENEFIT_MULTIPLIER_PERMILLE / 1000} 倍之间（叠加后最多 ${MAX_COMBINED_MULTIPLIER_PERMILLE / 1000} 倍）`;
  return null;
}

/** Whether `at` falls on the member day, in Asia/Shanghai. */
export function isMemberDay(rule: Pick<MemberDayRule, 'weekday' | 'monthDay'> | null, at: Date): boolean {
  if (!rule) return false;
  if (rule.weekday) return isoWeekday(at) === rule.weekday;
  if (rule.monthDay) return shanghaiMonthDay(at) === rule.monthDay;
  return false;
}

/** The first instant from `from` on that falls on the member day (the same time of day), or null. */
export function nextMemberDay(rule: Pick<MemberDayRule, 'weekday' | 'monthDay'>, from: Date): Date | null {
  for (let days = 0; days < 62; days++) {
    const at = new Date(from.getTime() + days * 86_400_000);
    if (isMemberDay(rule, at)) return at;
  }
  return null;
}

/**
 * Whether `at` is the birthday (YYYY-MM-DD) in Asia/Shanghai. A 29 February birthday is kept on
 * 28 February in years without a 29th, so that it comes every year.
 */
export function isBirthday(birthday: string | null, at: Date): boolean {
  if (!birthday || !/^\d{4}-\d{2}-\d{2}$/.test(birthday)) return false;
  const today = businessDate(at);
  const want = birthday.slice(5);
  if (today.slice(5) === want) return true;
  return want === '02-29' && today.slice(5) === '02-28' && !isLeapYear(Number(today.slice(0, 4)));
}

/** The birthdays ('MM-DD') that fall on `at`'s Shanghai day: 29 February ones on the 28th in other years. */
export function birthdaysFallingOn(at: Date): string[] {
  const today = businessDate(at);
  const md = today.slice(5);
  return md === '02-28' && !isLeapYear(Number(today.slice(0, 4))) ? [md, '02-29'] : [md];
}

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/** The business year (Asia/Shanghai) of `at`: a birthday gift is once per member and year. */
export function businessYear(at: Date): number {
  return Number(businessDate(at).slice(0, 4));
}

/** Whether `tierCode` is at `minTierCode` or above on the ladder (by spend threshold). */
export function tierAtLeast(
  tiers: readonly TierLike[],
  tierCode: string,
  minTierCode: string | null,
): boolean {
  if (!minTierCode) return true;
  const min = tiers.find((t) => t.code === minTierCode);
  const held = tiers.find((t) => t.code === tierCode);
  if (!min || !held) return false;
  return held.minSpendFen >= min.minSpendFen;
}

export interface EarningContext {
  tiers: readonly TierLike[];
  tierCode: string;
  merchantId: string;
  at: Date;
  memberDay: MemberDayRule | null;
  promotions: readonly PointsPromotionRule[];
}

export interface EarningMultiplier {
  /** the combined multiplier, after the cap */
  permille: number;
  tierPermille: number;
  /** the member day's multiplier when it applies to this purchase, else null */
  memberDayPermille: number | null;
  /** the promotions that apply to this purchase */
  promotionIds: string[];
  /** the product was above MAX_COMBINED_MULTIPLIER_PERMILLE and was cut to it */
  capped: boolean;
}

/** Whether a promotion covers a purchase at `merchantId` at `at`. */
export function promotionApplies(p: PointsPromotionRule, merchantId: string, at: Date): boolean {
  const t = at.getTime();
  return (
    p.startsAt.getTime() <= t &&
    t < p.endsAt.getTime() &&
    (!p.merchantIds || p.merchantIds.includes(merchantId))
  );
}

/**
 * Whether the member day gives its multiplier and discount to this purchase (the day, the tier it
 * asks for, and its merchants when it names some; without a merchant: whether it is for the member).
 */
export function memberDayApplies(
  ctx: Omit<EarningContext, 'promotions' | 'merchantId'> & { merchantId?: string },
): boolean {
  const rule = ctx.memberDay;
  return (
    !!rule &&
    isMemberDay(rule, ctx.at) &&
    tierAtLeast(ctx.tiers, ctx.tierCode, rule.minTierCode) &&
    (!rule.merchantIds || ctx.merchantId === undefined || rule.merchantIds.includes(ctx.merchantId))
  );
}

/** The member day's extra discount for this purchase (priceOrder's `memberDayDiscount`), or null. */
export function memberDayDiscountFor(ctx: Omit<EarningContext, 'promotions'>): MemberDayDiscount | null {
  if (!memberDayApplies(ctx)) return null;
  const offPermille = ctx.memberDay!.discountPermille ?? null;
  const offFen = ctx.memberDay!.discountFen ?? null;
  return offPermille !== null || offFen !== null ? { offPermille, offFen } : null;
}

/** The member day's discount in words: '再享 9 折' / '再减 5 元'. */
export function memberDayDiscountText(d: MemberDayDiscount): string {
  if (d.offPermille !== null) {
    const rate = (1000 - d.offPermille) / 100;
    return `再享 ${Number(rate.toFixed(2))} 折`;
  }
  const yuan = (d.offFen ?? 0) / 100;
  return `再减 ${Number(yuan.toFixed(2))} 元`;
}

/** The one stacking rule: tier × member day × every promotion, rounded down per step, capped. */
export function earningMultiplier(ctx: EarningContext): EarningMultiplier {
  const tierPermille = ctx.tiers.find((t) => t.code === ctx.tierCode)?.pointsMultiplierPermille ?? 1000;
  const memberDayPermille = memberDayApplies(ctx) ? ctx.memberDay!.pointsMultiplierPermille : null;
  const promotions = ctx.promotions.filter((p) => promotionApplies(p, ctx.merchantId, ctx.at));
  let product = tierPermille;
  for (const factor of [memberDayPermille ?? 1000, ...promotions.map((p) => p.multiplierPermille)])
    product = Math.floor((product * factor) / 1000);
  const capped = product > MAX_COMBINED_MULTIPLIER_PERMILLE;
  return {
    permille: capped ? MAX_COMBINED_MULTIPLIER_PERMILLE : product,
    tierPermille,
    memberDayPermille,
    promotionIds: promotions.map((p) => p.id),
    capped,
  };
}

export interface Earning extends EarningMultiplier {
  points: number;
  /** points the promotions add over tier × member day (what a promotion's sponsor funds) */
  promotionPoints: number;
  /**
   * Who funds promotionPoints: each applying promotion's marginal share (added in id order), by its
   * sponsor (null: no sponsor — funded like the ordinary points). The shares sum to promotionPoints.
   */
  sponsored: { promotionId: string; sponsorMerchantId: string | null; points: number }[];
}

/**
 * Points a purchase earns, with every benefit: the preview's figure and the paid purchase's. The
 * tier is the one held when paying (an upgrade this payment earns counts from the next one).
 */
export function purchaseEarning(paidFen: number, policy: PointsPolicy, ctx: EarningContext): Earning {
  const m = earningMultiplier(ctx);
  const points = pointsEarned(paidFen, policy, m.permille);
  const withoutPromotions = earningMultiplier({ ...ctx, promotions: [] });
  const promotionPoints = points - pointsEarned(paidFen, policy, withoutPromotions.permille);
  const applying = ctx.promotions
    .filter((p) => m.promotionIds.includes(p.id))
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const sponsored: Earning['sponsored'] = [];
  let before = points - promotionPoints;
  for (let i = 0; i < applying.length; i++) {
    const upTo = pointsEarned(
      paidFen,
      policy,
      earningMultiplier({ ...ctx, promotions: applying.slice(0, i + 1) }).permille,
    );
    sponsored.push({
      promotionId: applying[i].id,
      sponsorMerchantId: applying[i].sponsorMerchantId ?? null,
      points: upTo - before,
    });
    before = upTo;
  }
  return { ...m, points, promotionPoints, sponsored };
}

const WEEKDAY_NAMES = ['一', '二', '三', '四', '五', '六', '日'];

/** '每周六' / '每月 18 号', as the card, the pay page and the console say it. */
export function memberDayText(rule: { weekday: number | null; monthDay: number | null }): string {
  if (rule.weekday) return `每周${WEEKDAY_NAMES[rule.weekday - 1]}`;
  return `每月 ${rule.monthDay} 号`;
}

/** A points multiplier in words: 2000 → '双倍', 1500 → '1.5 倍', 1000 → '1 倍'. */
export function multiplierText(permille: number): string {
  if (permille === 2000) return '双倍';
  const whole = Math.floor(permille / 1000);
  const fraction = String(permille % 1000)
    .padStart(3, '0')
    .replace(/0+$/, '');
  return `${whole}${fraction ? `.${fraction}` : ''} 倍`;
}
