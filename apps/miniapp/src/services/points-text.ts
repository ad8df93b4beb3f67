import { formatFen, groupDigits } from '@allycard/domain';
import type { MallItem, MallOrder, PointsEntry } from '@allycard/contracts';

/** What a points entry was, in the member's words. */
export function pointsEntryTitle(entry: Pick<PointsEntry, 'kind' | 'source'>): string {
  switch (entry.kind) {
    case 'earn':
      return entry.source === 'order' ? '在线买单' : '到店消费';
    case 'spend':
      if (entry.source === 'mall_order') return '积分商城兑换';
      return entry.source === 'order' ? '买单抵扣' : '使用积分';
    case 'expire':
      return '积分过期';
    case 'reward':
      return entry.source === 'referral' ? '邀请好友奖励' : '奖励积分';
    case 'reversal':
      return '退款扣回';
    case 'refund':
      return '积分退回';
    case 'adjustment':
      return '联盟调整';
    default:
      return '积分变动';
  }
}

/** "+120", "-300" */
export function signedPoints(points: number): string {
  return points > 0 ? `+${points}` : String(points);
}

/** "300 积分" or "300 积分 + ¥9.90" */
export function mallPrice(item: Pick<MallItem, 'pointsPrice' | 'cashFen'>, quantity = 1): string {
  const points = `${item.pointsPrice * quantity} 积分`;
  return item.cashFen > 0 ? `${points} + ${formatFen(item.cashFen * quantity)}` : points;
}

/** How the member gets the item. */
export function fulfilmentText(item: Pick<MallItem, 'fulfilment' | 'merchantName'>): string {
  if (item.fulfilment === 'coupon') return '兑换后券直接放入我的券';
  return item.merchantName ? `到${item.merchantName}自提` : '到店自提';
}

export type MallItemBlock = 'sold_out' | 'limit_reached' | 'insufficient_points' | null;

/** Why this member cannot redeem one more now, if they cannot. */
export function mallItemBlock(item: MallItem, balance: number): MallItemBlock {
  if (item.remaining <= 0) return 'sold_out';
  if (item.redeemedByMe >= item.perMemberLimit) return 'limit_reached';
  if (balance < item.pointsPrice) return 'insufficient_points';
  return null;
}

export const MALL_BLOCK_TEXT: Record<Exclude<MallItemBlock, null>, string> = {
  sold_out: '已兑完',
  limit_reached: '已达兑换上限',
  insufficient_points: '积分不足',
};

/** The most this member can take in one redemption (the server takes at most 10). */
export function maxQuantity(item: MallItem, balance: number): number {
  return Math.max(
    0,
    Math.min(
      10,
      item.remaining,
      item.perMemberLimit - item.redeemedByMe,
      Math.floor(balance / Math.max(1, item.pointsPrice)),
    ),
  );
}

export const MALL_ORDER_STATUS_TEXT: Record<MallOrder['status'], string> = {
  pending_payment: '待付款',
  awaiting_pickup: '待提货',
  fulfilled: '已提货',
  completed: '已完成',
  cancelled: '已取消',
};

/** "12345 67890": a pickup code read aloud or typed at the counter. */
export function pickupCodeText(code: string): string {
  return groupDigits(code, 5);
}
