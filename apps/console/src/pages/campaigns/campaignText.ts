import type { CampaignReport, CampaignStatus, SegmentFilter } from '@allycard/contracts';
import type { Dayjs } from 'dayjs';
import { yuanToFen } from '../../lib/money';

export const CAMPAIGN_STATUS: Record<CampaignStatus, { label: string; color: string }> = {
  draft: { label: '草稿', color: 'default' },
  running: { label: '发放中', color: 'processing' },
  paused: { label: '已暂停', color: 'warning' },
  completed: { label: '已完成', color: 'success' },
  cancelled: { label: '已取消', color: 'error' },
};

/** What the segment builder's form holds (money in yuan, dates as day pickers). */
export interface SegmentFormValues {
  lifecycle?: SegmentFilter['lifecycle'];
  tierCodes?: string[];
  joinMerchantIds?: string[];
  boughtAtMerchantIds?: string[];
  lastPurchaseAfter?: Dayjs | null;
  lastPurchaseBefore?: Dayjs | null;
  minSpendYuan?: string | number | null;
  birthdayMonth?: number | null;
  pointsExpiringWithinDays?: number | null;
}

/** The contract's filter from the form: empty choices are left out (an empty list would match nobody). */
export function segmentFilterOf(values: SegmentFormValues): SegmentFilter {
  const filter: SegmentFilter = {};
  const list = (key: 'lifecycle' | 'tierCodes' | 'joinMerchantIds' | 'boughtAtMerchantIds') => {
    const chosen = values[key];
    if (chosen && chosen.length) (filter as Record<string, unknown>)[key] = [...chosen];
  };
  list('lifecycle');
  list('tierCodes');
  list('joinMerchantIds');
  list('boughtAtMerchantIds');
  if (values.lastPurchaseAfter) filter.lastPurchaseAfter = values.lastPurchaseAfter.format('YYYY-MM-DD');
  if (values.lastPurchaseBefore) filter.lastPurchaseBefore = values.lastPurchaseBefore.format('YYYY-MM-DD');
  const minSpendFen = values.minSpendYuan === '' ? null : yuanToFen(values.minSpendYuan);
  if (minSpendFen !== null) filter.minSpendFen = minSpendFen;
  if (values.birthdayMonth) filter.birthdayMonth = values.birthdayMonth;
  if (values.pointsExpiringWithinDays) filter.pointsExpiringWithinDays = values.pointsExpiringWithinDays;
  return filter;
}

/** A per-mille rate, floored (0 when nobody is in the group). */
export const ratePermille = (part: number, whole: number) =>
  whole > 0 ? Math.floor((part * 1000) / whole) : 0;

export const formatPermille = (permille: number) => `${(permille / 10).toFixed(1)}%`;

/**
 * The lift of a campaign against its holdout: the targeted group's conversion rate less the
 * holdout's, in per mille points; null while there is no holdout to compare with.
 */
export function liftPermille(report: CampaignReport): number | null {
  if (report.holdout === 0) return null;
  return (
    ratePermille(report.converted, report.targeted) - ratePermille(report.holdoutConverted, report.holdout)
  );
}
