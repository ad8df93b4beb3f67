import { DomainError } from '../common/errors';
import type { Member } from '../members/member.entity';
import type { CouponTemplate } from './coupon-template.entity';

/**
 * Why this member may not claim (or be given as a join gift) a coupon of the template now; null
 * when it may. 领券中心, the join page, claims and join gifts all ask this one question.
 */
export function claimRefusal(
  t: CouponTemplate,
  member: Pick<Member, 'tierCode' | 'firstPurchaseAt'>,
  tiers: { code: string; minSpendFen: number }[],
): DomainError | null {
  if (t.status !== 'active') return new DomainError('NOT_ELIGIBLE', 422, '该券已暂停领取');
  if (t.validUntil && t.validUntil <= new Date()) return new DomainError('NOT_ELIGIBLE', 422, '该券已过期');
  if (t.audience === 'new_members' && member.firstPurchaseAt)
    return new DomainError('NOT_ELIGIBLE', 422, '该券仅限新会员领取');
  if (!meetsTier(tiers, member.tierCode, t.minTierCode))
    return new DomainError('NOT_ELIGIBLE', 422, '会员等级不足，暂不能领取');
  return null;
}

function meetsTier(
  tiers: { code: string; minSpendFen: number }[],
  memberTier: string,
  minTier: string | null,
): boolean {
  if (!minTier) return true;
  const rank = (code: string) => tiers.find((t) => t.code === code)?.minSpendFen ?? -1;
  return rank(memberTier) >= rank(minTier);
}
