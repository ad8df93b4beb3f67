import Taro from '@tarojs/taro';
import type { MessageKind, MySubscription, SubscriptionQuota } from '@allycard/contracts';
import { businessDate } from '@allycard/domain';
import { requestSubscribe } from '../platform/subscribe';
import { memberApi } from './api';
import type { SubscribeItem } from './subscribe-gate';

/** The moments the app offers messages: right after joining, claiming a coupon, paying. */
export type MessageMoment = 'join' | 'claim' | 'pay';

/** What each kind of message does for the shopper. */
export const MESSAGE_TEXT: Record<MessageKind, string> = {
  coupon_expiring: '优惠券快到期时提醒你',
  points_expiring: '积分快清零时提醒你',
  referral_reward: '好友下单、奖励到账时通知你',
  tier_upgraded: '会员升级时通知你',
  campaign_offer: '有专属优惠时通知你',
};

/** The messages that make sense at each moment, most useful first (WeChat takes at most 3). */
const MOMENT_KINDS: Record<MessageMoment, MessageKind[]> = {
  join: ['coupon_expiring', 'points_expiring', 'campaign_offer'],
  claim: ['coupon_expiring', 'referral_reward', 'campaign_offer'],
  pay: ['points_expiring', 'tier_upgraded', 'coupon_expiring'],
};

const askedKey = (moment: MessageMoment) => `allycard.messagesAsked.${moment}`;

/** Not annoying: each moment offers messages at most once a day (Shanghai calendar). */
export function askedToday(moment: MessageMoment, now = new Date()): boolean {
  return Taro.getStorageSync(askedKey(moment)) === businessDate(now);
}

export function markAsked(moment: MessageMoment, now = new Date()): void {
  Taro.setStorageSync(askedKey(moment), businessDate(now));
}

export function itemsFor(subscriptions: MySubscription[], kinds: MessageKind[]): SubscribeItem[] {
  return kinds
    .map((kind) => subscriptions.find((s) => s.kind === kind))
    .filter((s): s is MySubscription => !!s)
    .map((s) => ({ templateId: s.templateId, label: MESSAGE_TEXT[s.kind] }));
}

export const momentItems = (subscriptions: MySubscription[], moment: MessageMoment) =>
  itemsFor(subscriptions, MOMENT_KINDS[moment]);

/**
 * Asks (WeChat's dialog or the h5 sheet) and reports the answer to the server, which counts one
 * message per accept. Null when nothing was answered.
 */
export async function askForMessages(items: SubscribeItem[]): Promise<SubscriptionQuota[] | null> {
  if (!items.length) return null;
  const results = await requestSubscribe(items);
  if (!results || !Object.keys(results).length) return null;
  return memberApi.reportSubscriptions(results);
}
