import type { MallOrder, Order, PointsEntry, SentShare } from './member';
import type { Coupon, Member } from './types';

/** The alliance's 用户协议 and 隐私政策, published together under one version number. */
export interface PolicyDocument {
  title: string;
  body: string;
}

export interface PrivacyPolicy {
  version: number;
  terms: PolicyDocument;
  privacy: PolicyDocument;
  publishedAt: string;
}

/** PUT /admin/privacy-policy: publishes the texts as the next version. */
export interface PublishPolicyRequest {
  terms: PolicyDocument;
  privacy: PolicyDocument;
}

/** What GET /me says about consent: when `required`, the app shows the sheet before anything else. */
export interface ConsentState {
  currentVersion: number | null;
  acceptedVersion: number | null;
  required: boolean;
}

export interface ConsentRecord {
  version: number;
  acceptedAt: string;
}

/** GET /me/export: every personal datum the alliance holds about the member. */
export interface MemberExport {
  exportedAt: string;
  member: Member & {
    phone: string | null;
    joinSource: string;
    joinMerchantId: string | null;
    firstPurchaseAt: string | null;
  };
  coupons: Coupon[];
  pointsTransactions: PointsEntry[];
  orders: (Order & { merchantName: string | null })[];
  /** points-mall exchanges (pickups, coupons, points + cash) */
  mallOrders: MallOrder[];
  shares: SentShare[];
  consents: ConsentRecord[];
}

/** DELETE /me body: the typed confirmation. */
export const CLOSE_ACCOUNT_CONFIRMATION = '注销';

export interface AccountClosed {
  closed: true;
  closedAt: string;
  couponsVoided: number;
  pointsForfeited: number;
  ordersClosed: number;
  sharesCancelled: number;
  /** points-mall exchanges still awaiting pickup, cancelled (their points forfeited with the rest) */
  pickupsCancelled: number;
}
