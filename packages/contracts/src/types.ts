/** Request and response shapes of /api/v1 (contract.md). Money in integer fen, times ISO-8601. */
import type { CardBenefitsAt } from '@allycard/domain';
import type { ConsentState } from './privacy';
import type { CounterMemberDayDiscount } from './member';

export type Role = 'member' | 'clerk' | 'merchant_admin' | 'alliance_admin';
export type StaffRole = 'clerk' | 'merchant_admin';
export type JoinSource = 'qrcode' | 'direct' | 'share';

export interface TierRef {
  code: string;
  name: string;
}

export interface TierProgress {
  current: TierRef;
  next: TierRef | null;
  /** rolling 12-month spend that counts for tiers */
  spendFen: number;
  /** spend still needed for `next`; 0 when at the top tier */
  remainingFen: number;
  /** human text, e.g. "再消费 ¥320.00 升级金卡" */
  text: string;
}

export interface Member {
  id: string;
  cardNo: string;
  nickname: string | null;
  birthday: string | null;
  tier: TierRef;
  points: number;
  joinedAt: string;
  phoneMasked: string | null;
}

export interface MemberProfile extends Member {
  alliance: { name: string; cardTitle: string };
  hasPurchased: boolean;
  tierProgress: TierProgress;
  couponCount: number;
  /** whether the member must (again) agree to the alliance's current 用户协议 and 隐私政策 */
  consent: ConsentState;
  /** the newest 拉新 reward of the last 30 days (a friend's first purchase), to tell the sender */
  referralReward: ReferralRewardNotice | null;
}

export interface ReferralRewardNotice {
  at: string;
  points: number;
  /** the reward coupon, when one was issued */
  coupon: { id: string; title: string } | null;
}

export type CouponKind = 'amount' | 'discount' | 'no_threshold' | 'gift';
/** `void`: taken away when the member closed the account. */
export type CouponStatus = 'available' | 'locked' | 'sharing' | 'used' | 'expired' | 'void';
export type UsableAt = 'alliance' | 'merchant';

export interface Coupon {
  id: string;
  templateId: string;
  title: string;
  kind: CouponKind;
  valueFen: number | null;
  discountPermille: number | null;
  thresholdFen: number;
  status: CouponStatus;
  validFrom: string;
  validUntil: string;
  usableAt: UsableAt;
  merchantIds: string[];
  firstOrderOnly: boolean;
  forwardable: boolean;
  /** what the coupon gives, in words: the template's own text or the rule's wording (满 100 减 10) */
  description: string;
  /** a discount coupon's cap in fen (null: no cap, or not a discount) */
  maxDiscountFen: number | null;
  /** the member who forwarded it to this one; a received coupon is not forwarded again */
  receivedFrom: string | null;
}

export interface JoinRequest {
  code: string;
  scene?: string;
  shareToken?: string;
  /** the PrivacyPolicy version the shopper agreed to on the join page */
  policyVersion?: number;
}

export interface JoinResponse {
  token: string;
  member: Member;
  newlyJoined: boolean;
  coupons: Coupon[];
  /** joined through a friend's link (shareToken): the friend's coupon, now this member's */
  coupon?: Coupon;
}

export interface LoginResponse {
  token: string;
  member: Member;
}

export interface UpdateMeRequest {
  nickname?: string;
  birthday?: string;
}

export interface MemberCode {
  code: string;
  expiresAt: string;
}

export interface Merchant {
  id: string;
  name: string;
  logoUrl?: string | null;
  description?: string | null;
  /** its stores, with where and when (issue 14 item 10) */
  stores?: StorePlace[];
  /** what the card gives there: only in a member's answer to GET /merchants?with=benefits */
  cardBenefits?: CardBenefitsAt;
}

/** A store: where it is, when it opens, how to call it; every detail but the name may be missing. */
export interface StorePlace {
  id: string;
  name: string;
  address: string | null;
  /** GCJ-02 degrees (what 高德 / 腾讯地图 and wx.openLocation use); both or neither */
  latitude: number | null;
  longitude: number | null;
  /** as the shop writes it: 「08:00–21:00」 */
  hoursText: string | null;
  /** HH:mm, Asia/Shanghai */
  opensAt: string | null;
  closesAt: string | null;
  phone: string | null;
}

export type StoreInput = Partial<Omit<StorePlace, 'id' | 'name'>> & { name: string };

export interface Staff {
  id: string;
  username: string;
  merchantId: string;
  role: StaffRole;
}

/**
 * A staff or admin session: a short access token (`expiresAt`, ~30 min) and the opaque refresh token
 * that renews it (POST /staff/refresh or /admin/refresh). Each refresh answers a new pair; the old
 * refresh token is used up, and presenting it again ends the session.
 */
export interface SessionTokens {
  token: string;
  refreshToken: string;
  expiresAt: string;
}

export interface StaffLoginResponse extends SessionTokens {
  staff: { id: string; merchantId: string; role: StaffRole };
}

export interface MemberLookupResponse {
  member: Member;
  coupons: Coupon[];
  /** today's member-day discount for this member at the clerk's merchant, or null */
  memberDayDiscount: CounterMemberDayDiscount | null;
}

export type AdminLoginResponse = SessionTokens;

export interface CreateQrCodeRequest {
  merchantId: string;
  storeId?: string;
  campaign?: string;
}

export interface QrCode {
  scene: string;
  path: string;
  imagePngBase64: string;
}

/** What the mini-program learns from a scene before joining: whose QR code it is. */
export interface SceneInfo {
  scene: string;
  merchant: Merchant;
  storeName: string | null;
  campaign: string | null;
}

export interface Health {
  /** degraded: serving, but something needs a person (dead outbox messages) */
  status: 'ok' | 'degraded';
  database: 'sqlite' | 'mysql';
  outbox: { pending: number; dead: number };
}

/** GET /health/live and /health/ready (@nestjs/terminus): each indicator `up` or `down`. */
export interface HealthCheck {
  status: 'ok' | 'error' | 'shutting_down';
  info?: Record<string, { status: string; [detail: string]: unknown }>;
  error?: Record<string, { status: string; [detail: string]: unknown }>;
  details: Record<string, { status: string; [detail: string]: unknown }>;
}
