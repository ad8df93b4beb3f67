import type { Lifecycle } from '@allycard/domain';

/** Lifecycle, segments and campaigns (contract: "Operating the alliance"). */
export type { LifecyclePolicy } from '@allycard/domain';

/** GET /admin/lifecycle-counts: members per label in the caller's scope. */
export interface LifecycleCounts {
  counts: Record<Lifecycle, number>;
}

/** A segment's filter: every field optional, combined with AND. Dates are YYYY-MM-DD business days. */
export interface SegmentFilter {
  lifecycle?: Lifecycle[];
  tierCodes?: string[];
  joinMerchantIds?: string[];
  boughtAtMerchantIds?: string[];
  /** the last purchase came before this business day */
  lastPurchaseBefore?: string;
  /** the last purchase came on or after this business day */
  lastPurchaseAfter?: string;
  minSpendFen?: number;
  /** 1–12 */
  birthdayMonth?: number;
  pointsExpiringWithinDays?: number;
  /** R/F/M score bounds, each 1–5, inclusive: only members with scores match */
  rfm?: RfmFilter;
}

export interface RfmFilter {
  rMin?: number;
  rMax?: number;
  fMin?: number;
  fMax?: number;
  mMin?: number;
  mMax?: number;
}

export interface Segment {
  id: string;
  name: string;
  filter: SegmentFilter;
  /** members matching now */
  count: number;
  /** the merchant whose admin saved it (then it counts that merchant's members only) */
  merchantId: string | null;
  createdAt: string;
}

export type CampaignAction =
  | { type: 'coupon'; templateId: string }
  | {
      type: 'points';
      points: number;
      fundedBy: { type: 'alliance' } | { type: 'merchant'; merchantId: string };
    };

/** As WeChat's subscribe send takes it: `data` is `{[keyword]: {value}}`. */
export interface CampaignMessage {
  templateId: string;
  page: string;
  data: Record<string, { value: string }>;
}

export type CampaignStatus = 'draft' | 'running' | 'paused' | 'completed' | 'cancelled';

export interface CampaignCreate {
  name: string;
  segmentId: string;
  action: CampaignAction;
  holdoutPermille: number;
  message?: CampaignMessage;
}

export interface Campaign {
  id: string;
  name: string;
  segmentId: string;
  action: CampaignAction;
  holdoutPermille: number;
  message: CampaignMessage | null;
  status: CampaignStatus;
  merchantId: string | null;
  /** frozen at launch: members acted on, and the control group */
  targeted: number;
  holdout: number;
  /** targets done so far (issued or skipped), for the progress bar */
  processed: number;
  launchedAt: string | null;
  completedAt: string | null;
  createdAt: string;
}

export interface CampaignReport {
  targeted: number;
  holdout: number;
  issued: number;
  messaged: number;
  converted: number;
  holdoutConverted: number;
  spendFen: number;
  holdoutSpendFen: number;
  costFen: number;
}

/** POST /admin/segments/preview: how many members the filter matches now. */
export interface SegmentCount {
  count: number;
}
