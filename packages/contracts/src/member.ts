/**
 * Member- and counter-side shapes of /api/v1 beyond the contract's minimum: coupons, sharing, points,
 * the points mall, orders and counter redemptions, as the server sends them.
 */
import type { Fulfilment } from './admin';
import type { Coupon, CouponKind, JoinResponse, Member, UsableAt } from './types';
import type { EarningInfo } from './benefits';

/** A coupon as the wallet, sharing and staff lookups send it. */
export interface WalletCoupon extends Coupon {
  /** GET /me/coupons/:id only: the open link while the coupon is being forwarded, so the phone can show it again */
  share?: ShareCreated | null;
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

/** Who opens a share link, as the server reads the optional member token: its sender, the friend who took it, or anyone else. */
export type ShareViewer = 'sender' | 'receiver' | 'other';

export interface SharePreview {
  coupon: WalletCoupon;
  fromNickname: string;
  expiresAt: string;
  status: ShareStatus;
  viewer: ShareViewer;
}

/**
 * GET /me/shares: a coupon the member forwarded (已赠送), newest first; cancelled shares are not
 * listed. `coupon` is the coupon as it was given: once a friend took it, its use is the friend's
 * business and not shown (`status` reads `available`).
 */
export interface SentShare {
  id: string;
  status: Exclude<ShareStatus, 'cancelled'>;
  coupon: WalletCoupon;
  sharedAt: string;
  expiresAt: string;
  acceptedAt: string | null;
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

/** `adjustment`: the alliance's operator added or took points, with a reason (audited). */
export type PointsKind = 'earn' | 'spend' | 'expire' | 'reward' | 'reversal' | 'refund' | 'adjustment';

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
  /** the item's photo (served by this server, cached), or none */
  imageUrl: string | null;
}

/**
 * `pending_payment`: a points + cash exchange whose cash part is not paid yet (cancelled, points and
 * stock given back, when it stays unpaid past the pay window).
 */
export type MallOrderStatus = 'pending_payment' | 'awaiting_pickup' | 'completed' | 'fulfilled' | 'cancelled';

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
  /** when the pickup was handed over, or the coupon issued (null until then) */
  fulfilledAt: string | null;
  /** the cash part of a points + cash exchange, in fen (0 or absent: points only) */
  cashFen?: number;
  /** the payment order of the cash part while it waits to be paid (null once paid or cancelled) */
  paymentOrderId?: string | null;
  /** JSAPI fields to pay the cash part, sent with a fresh exchange */
  payParams?: PayParams | null;
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
  /** the member day's extra discount (0 on other days); payableFen = amount − coupon − member day */
  memberDayDiscountFen: number;
  payableFen: number;
  /** the member's first purchase in the alliance */
  firstPurchase: boolean;
  coupon: WalletCoupon | null;
  pointsEarned: number;
  createdAt: string;
}

/** POST /staff/redemptions/:id/void: why the record is wrong (1–100 characters). */
export interface VoidRedemptionRequest {
  reason: string;
}

/** How a counter record was voided. */
export interface CounterRecordVoid {
  at: string;
  reason: string;
  byUsername: string | null;
  /** the points taken back (fewer than earned when the member had spent them) */
  pointsReversed: number;
  /** whether the coupon came back to the member (false when none, expired, or first-order only) */
  couponReturned: boolean;
}

/** One counter record as the staff pages list it (GET /staff/redemptions?day=today). */
export interface CounterRecord {
  id: string;
  createdAt: string;
  memberId: string;
  /** 6222 **** **** 7894 */
  cardNoMasked: string;
  amountFen: number;
  couponDiscountFen: number;
  /** the member day's extra discount (0 on other days) */
  memberDayDiscountFen: number;
  payableFen: number;
  coupon: { id: string; title: string } | null;
  pointsEarned: number;
  firstPurchase: boolean;
  staffUsername: string | null;
  voided: CounterRecordVoid | null;
  /** until when the caller may void it (its role's window); null when voided or past it */
  voidableUntil: string | null;
}

export interface CounterRecordList {
  /** the Asia/Shanghai business day listed, YYYY-MM-DD */
  businessDate: string;
  items: CounterRecord[];
}

/** GET /staff/me: who is signed in at the counter, and where. */
export interface StaffMe {
  id: string;
  username: string;
  role: 'clerk' | 'merchant_admin';
  merchantId: string;
  merchantName: string;
}

export interface StaffLookup {
  member: Member;
  coupons: WalletCoupon[];
  /** today's member-day discount for this member here, or null */
  memberDayDiscount: CounterMemberDayDiscount | null;
}

/**
 * The member day's extra discount a member gets at the clerk's merchant today (one of the two is set;
 * packages/domain's MemberDayDiscount), with its words ('再减 5 元' / '再享 9 折').
 */
export interface CounterMemberDayDiscount {
  offPermille: number | null;
  offFen: number | null;
  text: string;
}

/** A tier of the alliance (GET /tiers): the member discount and points multiplier, per mille. */
export interface Tier {
  code: string;
  name: string;
  minSpendFen: number;
  /** what a member of this tier pays, per mille (950 = 9.5折; 1000 = no discount) */
  discountPermille: number;
  pointsMultiplierPermille: number;
}

export type OrderStatus = 'pending' | 'paid' | 'closed' | 'refunded' | 'partially_refunded';

/** The JSAPI fields wx.requestPayment takes, signed by the server. */
export interface PayParams {
  timeStamp: string;
  nonceStr: string;
  package: string;
  signType: string;
  paySign: string;
}

/** What the member asks to pay a merchant (买单); the server prices it itself. */
export interface OrderRequest {
  merchantId: string;
  amountFen: number;
  couponId?: string;
  /** points the member offers; the server uses at most what the rules allow */
  points?: number;
}

/** POST /orders/preview: the breakdown, nothing stored. */
export interface OrderPreview {
  merchantId: string;
  amountFen: number;
  tierDiscountFen: number;
  /** the member day's extra discount (0 when none) */
  memberDayDiscountFen: number;
  couponDiscountFen: number;
  pointsUsed: number;
  pointsDiscountFen: number;
  payableFen: number;
  /** what paying this would earn */
  pointsEarned: number;
  /** how pointsEarned was multiplied: tier × member day × promotions (benefits) */
  earning?: EarningInfo;
  couponId: string | null;
  pointsBalance: number;
  /** what one point is worth when spent */
  pointValueFen: number;
}

/** A payment to a merchant (the contract's Order and a few more fields). */
export interface Order {
  id: string;
  outTradeNo: string;
  merchantId: string;
  status: OrderStatus;
  amountFen: number;
  couponDiscountFen: number;
  tierDiscountFen: number;
  /** the member day's extra discount (0 when none) */
  memberDayDiscountFen: number;
  pointsUsed: number;
  pointsDiscountFen: number;
  payableFen: number;
  /** set once paid (the payment notification applies it) */
  pointsEarned: number;
  couponId: string | null;
  refundedFen: number;
  /** refunds asked so far, settled by WeChat or not: what is left to refund is payableFen minus this */
  refundRequestedFen: number;
  /** the points-mall order this payment pays the cash part of, or null */
  mallOrderId: string | null;
  paidAt: string | null;
  createdAt: string;
  /** what refunds did to the order (GET /orders, /orders/:id, /staff/orders); null when none was asked */
  refundSummary?: OrderRefundSummary | null;
  /** GET /orders: the merchant's name */
  merchantName?: string | null;
  /** GET /staff/orders: the payer, shown only by a masked card number (**** 1234) */
  memberCardMasked?: string | null;
}

/** The refunds of an order, WeChat's refusals left out. */
export interface OrderRefundSummary {
  /** asked and not yet settled by WeChat (退款中) */
  processingFen: number;
  refundedFen: number;
  /** earned points taken back, and spent points given back, by the settled refunds */
  pointsClawedBack: number;
  pointsReturned: number;
  /** whether the order's coupon came back to the wallet (only a full refund of a still valid one) */
  couponReturned: boolean;
  /** when the last settled refund went through */
  refundedAt: string | null;
}

/** GET /orders/:id: the order and, while it waits for payment, the JSAPI fields to pay it. */
export interface OrderDetail extends Order {
  payParams?: PayParams | null;
}

/** POST /orders: `payParams` null when nothing was left to pay (the order is paid already). */
export interface CreatedOrder {
  order: Order;
  payParams: PayParams | null;
}

export type RefundStatus = 'processing' | 'succeeded' | 'failed';

/** POST /staff/orders/:id/refund: the order and the refund, which WeChat settles a moment later. */
export interface RefundResult extends Order {
  refund: { id: string; outRefundNo: string; amountFen: number; status: RefundStatus };
}

/** PUT /admin/tiers: the ladder as stored. */
export interface TierList {
  tiers: Tier[];
}
