/**
 * Shapes of the admin side of /api/v1 (alliance and merchant admins: the console), as the server's
 * controllers send them.
 */
import type { SettlementPosition, TemplateChannel } from '@allycard/domain';
import type { CouponKind, StaffRole, StorePlace, UsableAt } from './types';

export interface StoreRef {
  id: string;
  name: string;
}

export interface AdminMerchant {
  id: string;
  name: string;
  description?: string | null;
  logoUrl?: string | null;
  /** every store with its place and hours (a StoreRef and more) */
  stores: StorePlace[];
}

export interface StaffAccount {
  id: string;
  /** as created; logins match it in any case or width */
  username: string;
  merchantId: string;
  role: StaffRole;
  /** a disabled account cannot log in and its tokens no longer work */
  disabled: boolean;
  disabledAt: string | null;
  createdAt: string;
}

export interface QrCodeRow {
  scene: string;
  merchantId: string;
  storeId: string | null;
  campaign: string | null;
  path: string;
  createdAt: string;
}

export type Audience = 'all' | 'new_members';
export type ActiveStatus = 'active' | 'paused';

export interface CouponTemplate {
  id: string;
  title: string;
  description: string | null;
  kind: CouponKind;
  valueFen: number | null;
  discountPermille: number | null;
  maxDiscountFen: number | null;
  thresholdFen: number;
  stock: number;
  issued: number;
  remaining: number;
  perMemberLimit: number;
  validDays: number | null;
  validFrom: string | null;
  validUntil: string | null;
  usableAt: UsableAt;
  merchantIds: string[];
  audience: Audience;
  minTierCode: string | null;
  firstOrderOnly: boolean;
  forwardable: boolean;
  joinGift: boolean;
  channel: TemplateChannel;
  issuer: { type: 'alliance' | 'merchant'; merchantId: string | null };
  status: ActiveStatus;
  createdAt: string;
}

export interface CreateCouponTemplateBody {
  title: string;
  description?: string;
  kind: CouponKind;
  valueFen?: number;
  discountPermille?: number;
  maxDiscountFen?: number;
  thresholdFen: number;
  stock: number;
  perMemberLimit: number;
  validDays?: number;
  validFrom?: string;
  validUntil?: string;
  usableAt: UsableAt;
  merchantIds?: string[];
  audience: Audience;
  minTierCode?: string;
  firstOrderOnly: boolean;
  forwardable: boolean;
  joinGift: boolean;
  channel?: TemplateChannel;
  issuer: { type: 'alliance' | 'merchant'; merchantId?: string };
}

export interface ReferralRule {
  rewardTemplateId: string | null;
  rewardPoints: number;
}

export interface PointsPolicy {
  earnFenPerPoint: number;
  pointValueFen: number;
  expiryMonths: number;
}

export interface TierRule {
  code: string;
  name: string;
  minSpendFen: number;
  discountPermille: number;
  pointsMultiplierPermille: number;
}

export type Fulfilment = 'pickup' | 'coupon';

export interface AdminMallItem {
  id: string;
  title: string;
  description: string | null;
  pointsPrice: number;
  cashFen: number;
  stock: number;
  remaining: number;
  perMemberLimit: number;
  fulfilment: Fulfilment;
  merchantId: string | null;
  merchantName: string | null;
  couponTemplateId: string | null;
  status: ActiveStatus;
  /** a photo uploaded with POST /admin/uploads, or none */
  imageUrl: string | null;
}

/** POST /admin/uploads: where the image is served from now on (the same bytes forever). */
export interface UploadedImage {
  url: string;
  bytes: number;
}

export interface CreateMallItemBody {
  title: string;
  description?: string;
  pointsPrice: number;
  cashFen: number;
  stock: number;
  perMemberLimit: number;
  fulfilment: Fulfilment;
  merchantId?: string;
  couponTemplateId?: string;
  imageUrl?: string;
}

// A report's rows are the fold of packages/domain's settlement rule, field for field.
export type { SettlementParty, SettlementPosition as SettlementRow } from '@allycard/domain';

export interface SettlementReport {
  from: string;
  to: string;
  pointValueFen: number;
  rows: SettlementPosition[];
  totalNetFen: number;
  balanced: boolean;
}

export interface InvariantReport {
  ok: boolean;
  checks: { name: string; ok: boolean; detail: string }[];
  /** refunds WeChat has not settled for over a day: a person must look */
  stuckRefunds: StuckRefund[];
  /** outbox messages that gave up after every retry */
  deadOutbox: DeadOutboxMessage[];
}

export interface StuckRefund {
  id: string;
  orderId: string;
  outRefundNo: string;
  amountFen: number;
  createdAt: string;
}

export interface DeadOutboxMessage {
  id: string;
  topic: string;
  key: string;
  attempts: number;
  lastError: string | null;
  createdAt: string;
}

export type TierDiscountBearer = 'merchant' | 'alliance';

/** What a clerk may do alone; beyond it a merchant_admin must (403 APPROVAL_REQUIRED for the clerk). */
export interface StaffLimitValues {
  counterPurchaseMaxFen: number;
  counterDailyPerMemberMaxFen: number;
  clerkRefundMaxFen: number;
  clerkRefundMaxAgeDays: number;
}

export interface StaffLimitsBody extends StaffLimitValues {
  /** who bears the member-tier discounts given at a merchant */
  tierDiscountBorneBy: TierDiscountBearer;
}

/** GET /admin/staff-limits: the alliance's limits, or those in force at one merchant. */
export interface StaffLimits extends StaffLimitsBody {
  /** the merchant these limits are in force at; null for the alliance-wide defaults */
  merchantId: string | null;
  /** true when the merchant has limits of its own instead of the alliance's */
  overridden: boolean;
  /** alliance-wide answer to an alliance admin: every merchant's own limits */
  overrides?: (StaffLimitValues & { merchantId: string })[];
}

export type StaffActivityFlag = 'above_usual' | 'near_limit' | 'refunds_above_usual' | 'refused';

/** One staff account's counter purchases and refunds in a period, against its merchant's usual. */
export interface StaffActivityRow {
  staffId: string;
  username: string | null;
  role: StaffRole | null;
  merchantId: string;
  merchantName: string | null;
  purchases: number;
  purchasesFen: number;
  largestPurchaseFen: number;
  members: number;
  refunds: number;
  refundsFen: number;
  refusals: number;
  /** median counter purchase total of the merchant's other active staff; null when it has none */
  usualPurchasesFen: number | null;
  /** purchasesFen / usualPurchasesFen, per mille; null without a usual */
  purchasesRatioPermille: number | null;
  usualRefundsFen: number | null;
  flags: StaffActivityFlag[];
  flagged: boolean;
}

export interface StaffRefusal {
  id: string;
  staffId: string;
  username: string | null;
  merchantId: string;
  action: 'counter_purchase' | 'refund';
  limit: keyof StaffLimitValues;
  /** what was asked: fen, or for clerkRefundMaxAgeDays the order's age in days */
  value: number;
  limitValue: number;
  memberId: string | null;
  orderId: string | null;
  createdAt: string;
}

export interface StaffActivityReport {
  from: string;
  to: string;
  rows: StaffActivityRow[];
  refusals: StaffRefusal[];
}
