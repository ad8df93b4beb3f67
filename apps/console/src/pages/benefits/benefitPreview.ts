import type { MemberDayBenefit, PointsPromotion, TierRule } from '@allycard/contracts';
import {
  DEFAULT_POINTS_POLICY,
  formatZhe,
  memberDayProblem,
  nextMemberDay,
  type PointsPolicy,
  purchaseEarning,
  tierAtLeast,
  type IsoWeekday,
} from '@allycard/domain';

export interface TierPreviewRow {
  code: string;
  name: string;
  discountText: string;
  /** points for ¥100 paid on an ordinary day and on the member day (packages/domain's one rule) */
  ordinaryPoints: number;
  memberDayPoints: number | null;
  capped: boolean;
  /** points for ¥100 paid during the promotion (an ordinary day at its merchants), null without one */
  promotionPoints: number | null;
  promotionCapped: boolean;
}

/** The example payment of the preview: ¥100 paid. */
export const PREVIEW_PAID_FEN = 10_000;

/** What a member of each tier gets for ¥100 paid, with and without the member day. */
export function tierPreview(
  tiers: readonly TierRule[],
  memberDay: MemberDayBenefit | null,
  policy: PointsPolicy = DEFAULT_POINTS_POLICY,
  now = new Date(),
  promotion: PointsPromotion | null = null,
): TierPreviewRow[] {
  const promo = promotion && {
    id: promotion.id,
    multiplierPermille: promotion.multiplierPermille,
    startsAt: new Date(promotion.startsAt),
    endsAt: new Date(promotion.endsAt),
    merchantIds: promotion.merchantIds,
  };
  const rule = memberDay && {
    weekday: (memberDay.weekday ?? null) as IsoWeekday | null,
    monthDay: memberDay.monthDay ?? null,
    pointsMultiplierPermille: memberDay.pointsMultiplierPermille,
    minTierCode: memberDay.minTierCode ?? null,
  };
  const usable = rule && !memberDayProblem(rule) ? rule : null;
  return [...tiers]
    .sort((a, b) => a.minSpendFen - b.minSpendFen)
    .map((tier) => {
      const ctx = { tiers, tierCode: tier.code, merchantId: '', at: now, promotions: [] };
      const promotionPreview = (tierCode: string) => {
        if (!promo) return { promotionPoints: null, promotionCapped: false };
        const during = purchaseEarning(PREVIEW_PAID_FEN, policy, {
          ...ctx,
          tierCode,
          merchantId: promo.merchantIds?.[0] ?? '',
          at: promo.startsAt,
          memberDay: null,
          promotions: [promo],
        });
        return { promotionPoints: during.points, promotionCapped: during.capped };
      };
      const ordinary = purchaseEarning(PREVIEW_PAID_FEN, policy, { ...ctx, memberDay: null });
      // the member day's multiplier on top of the tier's, on the next member day itself
      const day =
        usable && tierAtLeast(tiers, tier.code, usable.minTierCode) ? nextMemberDay(usable, now) : null;
      const onDay = day
        ? purchaseEarning(PREVIEW_PAID_FEN, policy, { ...ctx, at: day, memberDay: usable })
        : null;
      return {
        code: tier.code,
        name: tier.name,
        discountText: tier.discountPermille < 1000 ? formatZhe(tier.discountPermille) : '原价',
        ordinaryPoints: ordinary.points,
        memberDayPoints: onDay ? onDay.points : null,
        capped: !!onDay?.capped,
        ...promotionPreview(tier.code),
      };
    });
}
