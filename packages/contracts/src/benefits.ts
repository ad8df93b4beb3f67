/** Member benefits (issue 13): PUT /admin/benefits, GET /benefits, the pay page's earning line. */

/** The birthday gift: a coupon of one of the alliance's templates and/or points, once a year. */
export interface BirthdayBenefit {
  couponTemplateId: string | null;
  points: number;
}

/**
 * Weekly (ISO weekday, 1 = Monday) or monthly (1–28): a points multiplier and/or an extra discount
 * (per mille off the member price, or fen off), optionally from a tier up and at chosen merchants.
 */
export interface MemberDayBenefit {
  weekday: number | null;
  monthDay: number | null;
  pointsMultiplierPermille: number;
  minTierCode: string | null;
  /** 100 = 10% off; null: no percentage discount */
  discountPermille: number | null;
  /** fen off; null: no amount discount */
  discountFen: number | null;
  /** null: at every merchant of the alliance */
  merchantIds: string[] | null;
}

/** Points once per member for each task. 0 turns a task off. */
export interface TaskBenefits {
  profilePoints: number;
  phonePoints: number;
}

export interface BenefitSettings {
  birthday: BirthdayBenefit | null;
  memberDay: MemberDayBenefit | null;
  tasks: TaskBenefits;
  /** the most tier × member day × promotions can multiply points by, per mille */
  maxMultiplierPermille: number;
}

/** PUT /admin/benefits body (absent `tasks` leaves them as they are). */
export interface BenefitSettingsRequest {
  birthday: { couponTemplateId?: string; points?: number } | null;
  memberDay: {
    weekday?: number;
    monthDay?: number;
    pointsMultiplierPermille: number;
    minTierCode?: string;
    discountPermille?: number;
    discountFen?: number;
    merchantIds?: string[];
  } | null;
  tasks?: TaskBenefits;
}

export type BenefitTaskCode = 'profile' | 'phone';

export interface BenefitTask {
  code: BenefitTaskCode;
  title: string;
  points: number;
  done: boolean;
}

/** GET /benefits: what the card gives, for the 会员权益 page and the card's banner. */
export interface MemberBenefits {
  tiers: {
    code: string;
    name: string;
    minSpendFen: number;
    discountPermille: number;
    pointsMultiplierPermille: number;
  }[];
  tierCode: string;
  /** the member's rolling 12-month spend, for the progress to the next tier */
  spendFen: number;
  birthday: (BirthdayBenefit & { couponTitle: string | null; memberBirthday: string | null }) | null;
  memberDay: (MemberDayBenefit & { forMe: boolean }) | null;
  tasks: BenefitTask[];
  /** the points promotions running now (the 会员权益 page lists them) */
  promotions: PointsPromotion[];
  /** the spend-and-get offers (满额返券) */
  spendGet: SpendGetRule[];
  maxMultiplierPermille: number;
  today: {
    birthday: boolean;
    memberDay: boolean;
    /** this year's gift, once given */
    birthdayGift: { couponId: string | null; points: number } | null;
  };
}

/** The benefits part of POST /orders/preview and an order's earning. */
export interface EarningInfo {
  /** tier × member day × promotions, capped */
  multiplierPermille: number;
  memberDay: boolean;
  promotionIds: string[];
  capped: boolean;
}

/**
 * A points promotion (积分活动): N× points in [startsAt, endsAt), at chosen merchants or the whole
 * alliance, optionally sponsored by a merchant (who funds the extra points it adds in settlement).
 * Stacked with the tier and member day multipliers and capped at maxMultiplierPermille per purchase.
 */
export interface PointsPromotion {
  id: string;
  name: string;
  multiplierPermille: number;
  startsAt: string;
  endsAt: string;
  /** null: the whole alliance */
  merchantIds: string[] | null;
  sponsorMerchantId: string | null;
  /** 'upcoming' | 'active' | 'ended', by the server's clock */
  state: 'upcoming' | 'active' | 'ended';
}

/** POST /admin/benefits/promotions and PUT /admin/benefits/promotions/:id. */
export interface PointsPromotionRequest {
  name: string;
  multiplierPermille: number;
  startsAt: string;
  endsAt: string;
  merchantIds?: string[] | null;
  sponsorMerchantId?: string | null;
}

/** 满额返券: a paid order of at least minPaidFen (at merchantId, or anywhere) issues one coupon. */
export interface SpendGetRule {
  id: string;
  merchantId: string | null;
  minPaidFen: number;
  templateId: string;
  /** the template's title, for the lists */
  couponTitle: string;
}

/** POST /admin/benefits/spend-get */
export interface SpendGetRuleRequest {
  merchantId?: string | null;
  minPaidFen: number;
  templateId: string;
}

/**
 * A purchase fully refunded (a counter record voided) after its spend-and-get coupon was used: the
 * coupon stayed.
 */
export interface SpendGetKeptCase {
  grantId: string;
  /** 'order': a paid order; 'redemption': a counter purchase */
  sourceType: 'order' | 'redemption';
  /** the order, when sourceType is 'order' */
  orderId: string | null;
  /** the counter record, when sourceType is 'redemption' */
  redemptionId: string | null;
  memberId: string;
  couponId: string;
  updatedAt: string;
}
