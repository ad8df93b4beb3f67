import { addBusinessDays, businessDate, businessDateTime, parseBusinessDate } from './calendar';

/**
 * WeChat subscribe messages (订阅消息): the rules the server, the console and the tests share —
 * quiet hours, the kinds of message the alliance sends, the fields each kind can fill in, and how a
 * value is shaped for a template keyword so WeChat does not refuse it (47003).
 */

/** No message reaches a shopper 22:00–08:00 Asia/Shanghai: it waits until 08:00. */
export const QUIET_FROM_HOUR = 22;
export const QUIET_UNTIL_HOUR = 8;

/** When a message written at `at` may go out: `at` itself outside quiet hours, else the next 08:00 Shanghai. */
export function sendableAt(at: Date): Date {
  const time = businessDateTime(at).slice(11); // HH:mm
  const hour = Number(time.slice(0, 2));
  if (hour >= QUIET_UNTIL_HOUR && hour < QUIET_FROM_HOUR) return at;
  const day = hour >= QUIET_FROM_HOUR ? addBusinessDays(businessDate(at), 1) : businessDate(at);
  const midnight = parseBusinessDate(day)!;
  return new Date(midnight.getTime() + QUIET_UNTIL_HOUR * 3_600_000);
}

export function isQuietHour(at: Date): boolean {
  return sendableAt(at).getTime() !== at.getTime();
}

/** What the alliance tells a member about; each kind has one WeChat template per alliance. */
export const MESSAGE_KINDS = [
  'coupon_expiring',
  'points_expiring',
  'referral_reward',
  'tier_upgraded',
  'campaign_offer',
] as const;
export type MessageKind = (typeof MESSAGE_KINDS)[number];

/** The values a kind can put into its template's keywords (the console's 字段映射 picks among them). */
export const MESSAGE_FIELDS: Record<MessageKind, readonly string[]> = {
  coupon_expiring: ['couponTitle', 'validUntil', 'tip'],
  points_expiring: ['points', 'expiresAt', 'balance', 'tip'],
  referral_reward: ['rewardTitle', 'rewardedAt', 'tip'],
  tier_upgraded: ['tierName', 'upgradedAt', 'tip'],
  campaign_offer: ['campaignName', 'couponTitle', 'tip'],
};

/** Chinese names of the kinds and their fields, for the console. */
export const MESSAGE_KIND_LABELS: Record<MessageKind, string> = {
  coupon_expiring: '优惠券即将过期',
  points_expiring: '积分即将清零',
  referral_reward: '拉新奖励到账',
  tier_upgraded: '会员等级提升',
  campaign_offer: '营销活动',
};
export const MESSAGE_FIELD_LABELS: Record<string, string> = {
  couponTitle: '优惠券名称',
  validUntil: '到期时间',
  tip: '温馨提示',
  points: '即将过期积分',
  expiresAt: '过期时间',
  balance: '当前积分',
  rewardTitle: '奖励内容',
  rewardedAt: '到账时间',
  tierName: '新等级',
  upgradedAt: '升级时间',
  campaignName: '活动名称',
};

/** The 温馨提示 each kind says (≤ 20 characters: a thing keyword's limit). */
export const MESSAGE_TIPS: Record<MessageKind, string> = {
  coupon_expiring: '你的优惠券快到期了，记得使用',
  points_expiring: '你的积分即将清零，快去兑换',
  referral_reward: '好友已完成首单，奖励已到账',
  tier_upgraded: '恭喜你升级，更多权益等你',
  campaign_offer: '专属优惠已送达，快来看看',
};

/** The mini-program page each kind opens unless the alliance sets another. */
export const DEFAULT_MESSAGE_PAGES: Record<MessageKind, string> = {
  coupon_expiring: 'coupon/mine/index',
  points_expiring: 'points/balance/index',
  referral_reward: 'coupon/mine/index',
  tier_upgraded: 'pages/card/index',
  campaign_offer: 'coupon/mine/index',
};

/**
 * A template keyword as WeChat names them: its type and a number (thing1, time2, amount3 …). The type
 * decides what value WeChat accepts.
 */
export const KEYWORD_PATTERN =
  /^(thing|number|letter|symbol|character_string|time|date|amount|phone_number|car_number|name|phrase)([1-9]\d?)$/;

export type KeywordType =
  | 'thing'
  | 'number'
  | 'letter'
  | 'symbol'
  | 'character_string'
  | 'time'
  | 'date'
  | 'amount'
  | 'phone_number'
  | 'car_number'
  | 'name'
  | 'phrase';

export function keywordType(keyword: string): KeywordType | null {
  const m = KEYWORD_PATTERN.exec(keyword);
  return m ? (m[1] as KeywordType) : null;
}

/** Problems with a kind's field mapping ({keyword: field}); empty when WeChat and the server can fill it. */
export function fieldMappingProblems(kind: MessageKind, fields: Record<string, string>): string[] {
  const problems: string[] = [];
  const allowed = MESSAGE_FIELDS[kind];
  for (const [keyword, field] of Object.entries(fields)) {
    if (!keywordType(keyword)) problems.push(`${keyword}: 不是微信模板的关键词（如 thing1、time2）`);
    if (!allowed.includes(field)) problems.push(`${keyword}: 字段 ${field} 不存在`);
  }
  return problems;
}

/** A raw value (text, number, instant) shaped for the keyword's type, within WeChat's limits. */
export function keywordValue(keyword: string, raw: string | number | Date): string {
  const type = keywordType(keyword);
  const text = raw instanceof Date ? businessDateTime(raw) : String(raw);
  switch (type) {
    case 'time':
      return raw instanceof Date ? businessDateTime(raw) : text.slice(0, 16);
    case 'date':
      return raw instanceof Date ? businessDate(raw) : text.slice(0, 10);
    case 'number':
      return text.replace(/[^\d.]/g, '').slice(0, 32) || '0';
    case 'character_string':
      return text.replace(/[^\x21-\x7e]/g, '').slice(0, 32) || '-';
    case 'phrase':
      return [...text.replace(/[^\u4e00-\u9fff]/g, '')].slice(0, 5).join('') || '通知';
    case 'name':
      return [...text].slice(0, 10).join('');
    case 'thing':
    default:
      return [...text].slice(0, 20).join('');
  }
}

/** Fills a template's keywords from the kind's values: WeChat's `data` ({keyword: {value}}). */
export function messageData(
  fields: Record<string, string>,
  values: Record<string, string | number | Date>,
): Record<string, { value: string }> {
  const data: Record<string, { value: string }> = {};
  for (const [keyword, field] of Object.entries(fields)) {
    const raw = values[field];
    if (raw === undefined) continue;
    data[keyword] = { value: keywordValue(keyword, raw) };
  }
  return data;
}
