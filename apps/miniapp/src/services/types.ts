/**
 * Answers of /api/v1 that packages/contracts does not describe (yet): coupons beyond the contract's
 * minimum, sharing, points, the points mall and counter redemptions. Shapes as the server sends them.
 */
import type { Coupon, CouponKind, JoinResponse, Member, UsableAt } from '@allycard/contracts';

/** A coupon as the wallet, sharing and staff lookups send it: the contract's fields and a few more. */
export interface WalletCoupon extends Coupon {
  /** the rule in words, e.g. "满100减20", "8.5折 最高减30" (absent on older answers) */
  description?: string;
  maxDiscountFen?: number | null;
  /** set when a friend forwarded it: such a coupon cannot be forwarded again */
  receivedFrom?: string | null;
}

/** A template the member may claim in 领券中心. */
export interface Offer {
  id: string;
  title: string;
  description: string;
  kind: CouponKind;
  valueFen: number | null;
  discountPermille: number | null;
  maxDiscountFen: number | null;
  thresholdFen: number;
  usableAt: UsableAt;
  merchantIds: string[];
  /** valid for N days after claiming, or between fixed dates */
  validDays: number | null;
  validFrom: string | null;
  validUntil: string | null;
  firstOrderOnly: boolean;
  forwardable: boolean;
  perMemberLimit: number;
  remaining: number;
  claimedByMe: number;
}

export interface ShareCreated {
  shareToken: string;
  expiresAt: string;
  /** the mini-program page a friend opens, `pages/share/index?token=…` */
  path: string;
}

export type ShareStatus = 'open' | 'accepted' | 'cancelled' | 'expired';

export interface SharePreview {
  coupon: WalletCoupon;
  fromNickname: string;
  expiresAt: string;
  status: ShareStatus;
}

export interface AcceptShareResponse extends JoinResponse {
  /** the forwarded coupon, now the friend's */
  coupon: WalletCoupon;
}

export interface PointsSummary {
  balance: number;
  /** what the balance is worth when spent */
  valueFen: number;
  expiring: { points: number; expiresAt: string }[];
}

export type PointsKind = 'earn' | 'spend' | 'expire' | 'reward' | 'reversal' | 'refund';

export interface PointsEntry {
  id: string;
  kind: PointsKind;
  /** signed: + earned, − spent */
  points: number;
  /** what caused it, e.g. "redemption", "order", "mall_order", "referral", "lot_expiry" */
  source: string;
  merchantId: string | null;
  merchantName: string | null;
  createdAt: string;
}

/** GET /me/points/history answers this many entries per page. */
export const POINTS_HISTORY_PAGE = 50;

export type Fulfilment = 'pickup' | 'coupon';

export interface MallItem {
  id: string;
  title: string;
  description: string | null;
  pointsPrice: number;
  cashFen: number;
  remaining: number;
  perMemberLimit: number;
  fulfilment: Fulfilment;
  merchantId: string | null;
  merchantName: string | null;
  /** units this member already redeemed (counts against perMemberLimit) */
  redeemedByMe: number;
}

export type MallOrderStatus = 'awaiting_pickup' | 'completed' | 'fulfilled';

export interface MallOrder {
  id: string;
  itemId: string;
  title: string;
  status: MallOrderStatus;
  quantity: number;
  pointsSpent: number;
  pickupCode: string | null;
  coupon: WalletCoupon | null;
  merchantId: string | null;
  merchantName: string | null;
  createdAt: string;
}

export interface RedemptionRequest {
  memberCode: string;
  couponId?: string;
  amountFen?: number;
}

/** A counter redemption: a coupon used and/or a purchase recorded at the counter. */
export interface Redemption {
  id: string;
  memberId: string;
  merchantId: string;
  amountFen: number;
  couponDiscountFen: number;
  payableFen: number;
  /** the member's first purchase in the alliance */
  firstPurchase: boolean;
  coupon: WalletCoupon | null;
  pointsEarned: number;
  createdAt: string;
}

export interface StaffLookup {
  member: Member;
  coupons: WalletCoupon[];
}
