import { templateIssueProblem } from '@allycard/domain';
import type { CouponTemplate } from '@allycard/contracts';

const PROBLEM_TEXT = { paused: '已暂停', out_of_stock: '已发完', expired: '已过期' } as const;

/** Why the chosen reward coupon would not reach the sender, in the operator's words; null when it would. */
export function rewardProblemText(template: CouponTemplate, now = new Date()): string | null {
  const problem = templateIssueProblem(
    { ...template, validUntil: template.validUntil ? new Date(template.validUntil) : null },
    now,
  );
  return problem
    ? `这张券${PROBLEM_TEXT[problem]}，发不出去：好友完成首单时转赠人只得积分。请恢复或补充库存，或换一张券。`
    : null;
}
