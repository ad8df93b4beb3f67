import type { MessageTemplateSetting } from '@allycard/contracts';

/**
 * Each message kind mapped onto the WeChat sandbox's template of the same purpose (its keywords,
 * packages/wechat-sandbox `DEFAULT_SUBSCRIBE_TEMPLATES`): what the demo alliance is seeded with,
 * and what tests configure when they need every kind.
 */
export const SANDBOX_MESSAGE_TEMPLATES: MessageTemplateSetting[] = [
  {
    kind: 'coupon_expiring',
    templateId: 'sandbox-coupon-expiring',
    fields: { thing1: 'couponTitle', time2: 'validUntil', thing3: 'tip' },
  },
  {
    kind: 'points_expiring',
    templateId: 'sandbox-points-expiring',
    fields: { number1: 'points', time2: 'expiresAt', thing3: 'tip' },
  },
  {
    kind: 'referral_reward',
    templateId: 'sandbox-referral-reward',
    fields: { thing1: 'rewardTitle', time2: 'rewardedAt', thing3: 'tip' },
  },
  {
    kind: 'tier_upgraded',
    templateId: 'sandbox-tier-upgraded',
    fields: { thing1: 'tierName', time2: 'upgradedAt', thing3: 'tip' },
  },
  {
    kind: 'campaign_offer',
    templateId: 'sandbox-campaign-offer',
    fields: { thing1: 'campaignName', thing2: 'couponTitle', thing3: 'tip' },
  },
];
