import type { CouponTemplate } from '@allycard/contracts';
import { rewardProblemText } from '../src/pages/referral/rewardProblem';

const template = {
  id: '9',
  title: '拉新奖励·无门槛5元',
  status: 'active',
  stock: 100,
  issued: 3,
  validUntil: null,
  channel: 'issue_only',
} as unknown as CouponTemplate;
const now = new Date('2026-12-04T02:00:00.000Z');

describe('rewardProblemText', () => {
  it('says nothing while the reward coupon can be issued', () => {
    expect(rewardProblemText(template, now)).toBeNull();
  });

  it('warns when the reward coupon is paused, used up or past its fixed end', () => {
    expect(rewardProblemText({ ...template, status: 'paused' }, now)).toMatch(/^这张券已暂停，发不出去/);
    expect(rewardProblemText({ ...template, issued: 100 }, now)).toMatch(/^这张券已发完/);
    expect(rewardProblemText({ ...template, validUntil: '2026-12-01T15:59:59.000Z' }, now)).toMatch(
      /^这张券已过期/,
    );
  });
});
