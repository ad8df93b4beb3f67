/**
 * Reports (contract: "Operating the alliance"): GET /admin/reports/overview and
 * /admin/reports/acquisition. Counts over the period [from, to) of Asia/Shanghai business days, money
 * in fen, rates in per mille floored (0 when the denominator is 0).
 */
export interface ReportsQuery {
  /** 'YYYY-MM-DD', inclusive */
  from: string;
  /** 'YYYY-MM-DD', exclusive */
  to: string;
  /** alliance admins only; a merchant admin is always scoped to its own merchant */
  merchantId?: string;
}

export interface OverviewDay {
  /** 'YYYY-MM-DD' business day */
  date: string;
  newMembers: number;
  activeMembers: number;
  spendFen: number;
}

export interface ReportsOverview {
  /** members who joined before `to` (with a merchant: who joined or bought there) */
  totalMembers: number;
  newMembers: number;
  activeMembers: number;
  activationPermille: number;
  purchases: number;
  spendFen: number;
  averageTicketFen: number;
  repeatPermille: number;
  secondPurchaseSharePermille: number;
  firstPurchase7dPermille: number;
  coupons: { issued: number; used: number; usedPermille: number };
  pointsLiabilityFen: number;
  tiers: { code: string; members: number }[];
  series: OverviewDay[];
}

/** Where members came from: a 小程序码 (qrcodeId), a friend's share (referral) or nothing (direct). */
export type AcquisitionChannel = 'qrcode' | 'referral' | 'direct';

export interface AcquisitionRow {
  /** the code's merchant; null for referral and direct joins, which no merchant recruited */
  merchantId: string | null;
  qrcodeId: string | null;
  campaign: string | null;
  channel: AcquisitionChannel;
  /** openings of the code's scene (GET /scenes/:scene) in the period */
  scans: number;
  /** members who joined in the period */
  joins: number;
  /** members of the row whose first purchase fell in the period */
  firstPurchases: number;
  /** of those, the members with a second purchase before `to` */
  repeaters: number;
}

export interface ReportsAcquisition {
  rows: AcquisitionRow[];
}

/** POST /admin/reports/daily-stats/rebuild: what the alliance's daily stats were recomputed from. */
export interface DailyStatsRebuild {
  members: number;
  /** member × scope (the alliance, a merchant) × business day rows with a purchase */
  memberDays: number;
}
