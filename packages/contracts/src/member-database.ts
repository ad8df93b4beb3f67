import type { Lifecycle } from '@allycard/domain';
import type { Coupon } from './types';

export type { Lifecycle } from '@allycard/domain';

/** One cursor-paginated page of a list: `nextCursor` is null on the last page. */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** `sort` of GET /admin/members: newest join, latest purchase or highest spend first. */
export type AdminMemberSort = 'joinedAt' | 'lastPurchaseAt' | 'spendFen';

export interface AdminMember {
  id: string;
  cardNo: string;
  nickname: string | null;
  phoneMasked: string | null;
  tier: { code: string; name: string };
  /** an operator's grant still running: the member keeps at least this tier until `until` */
  tierGrant: { code: string; until: string } | null;
  points: number;
  joinedAt: string;
  joinMerchantId: string | null;
  lifecycle: Lifecycle;
  lastPurchaseAt: string | null;
  /** at the caller's merchant for a merchant admin, in the whole alliance for the alliance */
  purchases: number;
  spendFen: number;
  /**
   * The member's R/F/M scores (1–5, see MemberRfm) in the list, for the alliance admin; null when the
   * member bought nothing in the last 12 months, and always for a merchant admin
   */
  rfm?: { r: number; f: number; m: number } | null;
}

export type MemberTimelineType =
  | 'joined'
  | 'purchase'
  | 'refund'
  | 'coupon_claimed'
  | 'coupon_used'
  | 'coupon_forwarded'
  | 'coupon_received'
  | 'points'
  | 'tier_changed';

export interface MemberTimelineEntry {
  at: string;
  type: MemberTimelineType;
  detail: Record<string, unknown>;
}

export interface AdminMemberDetail extends AdminMember {
  joinSource: string;
  joinStoreId: string | null;
  joinCampaign: string | null;
  referrerMemberId: string | null;
  expiring: { points: number; expiresAt: string }[];
  spendByMerchant: { merchantId: string; purchases: number; spendFen: number }[];
  coupons: Coupon[];
  referrals: { memberId: string; joinedAt: string; firstPurchaseAt: string | null }[];
  timeline: MemberTimelineEntry[];
  /** R/F/M quintiles over the last 12 months; null when the member bought nothing in that time */
  rfm?: MemberRfm | null;
}

/**
 * A member's R/F/M scores, each 1–5 (5: most recent, most frequent, highest spend) among the
 * alliance's members who bought in the last 12 months: exact as of `computedAt` (the nightly run,
 * or the member's last purchase, which scores it against the others' figures of the last night).
 */
export interface MemberRfm {
  r: number;
  f: number;
  m: number;
  lastPurchaseAt: string;
  /** purchases and spend in the 12 months the scores rank */
  purchases: number;
  spendFen: number;
  computedAt: string;
}

export interface TierGrantBody {
  tierCode: string;
  until: string;
  reason: string;
}

export interface PointsAdjustmentBody {
  points: number;
  reason: string;
}

export type AuditAction =
  | 'tier_grant'
  | 'points_adjustment'
  | 'phone_reveal'
  | 'members_export'
  /** GET /admin/reports/overview.csv */
  | 'reports_export'
  /** a member's own GET /me/export and DELETE /me */
  | 'member_self_export'
  | 'account_closure'
  | 'privacy_policy_publish'
  /** staff voided a counter record (POST /staff/redemptions/:id/void) */
  | 'counter_void';

export interface AuditLogEntry {
  id: string;
  at: string;
  actor: { id: string; role: string; username: string | null };
  action: AuditAction;
  memberId: string | null;
  reason: string | null;
  detail: Record<string, unknown>;
}

/** POST /admin/members/:id/points-adjustments: the member's balance after it. */
export interface PointsBalance {
  balance: number;
}

/** POST /admin/members/:id/phone-reveal: the full number (the reveal is audited). */
export interface RevealedPhone {
  phone: string;
}
