/**
 * Shapes of the admin side of /api/v1 (alliance and merchant admins: the console), as the server's
 * controllers send them.
 */
import type { CouponKind, StaffRole, UsableAt } from './types';

export interface StoreRef {
  id: string;
  name: string;
}

export interface AdminMerchant {
  id: string;
  name: string;
  description?: string | null;
  logoUrl?: string | null;
  stores: StoreRef[];
}

export interface StaffAccount {
  id: string;
  username: string;
  merchantId: string;
  role: StaffRole;
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
}

export type SettlementParty = 'merchant' | 'alliance' | 'breakage' | 'members';

export interface SettlementRow {
  party: SettlementParty;
  merchantId: string | null;
  name: string;
  pointsFunded: number;
  pointsRedeemed: number;
  pointsNet: number;
  pointsNetFen: number;
  couponsRedeemedHereFen: number;
  couponsBorneFen: number;
  netFen: number;
}

export interface SettlementReport {
  from: string;
  to: string;
  pointValueFen: number;
  rows: SettlementRow[];
  totalNetFen: number;
  balanced: boolean;
}

export interface InvariantReport {
  ok: boolean;
  checks: { name: string; ok: boolean; detail: string }[];
}
