import type {
  AdminMember,
  AdminMemberSort,
  AuditAction,
  AuditLogEntry,
  Lifecycle,
  MemberTimelineEntry,
  MemberTimelineType,
} from '@allycard/contracts';
import { formatLastDay } from '../../lib/format';
import { formatFen } from '../../lib/money';

export const LIFECYCLE: Record<Lifecycle, { label: string; color: string }> = {
  never_bought: { label: '未消费', color: 'default' },
  new: { label: '新客', color: 'cyan' },
  active: { label: '活跃', color: 'green' },
  dormant: { label: '沉睡', color: 'orange' },
  lost: { label: '流失', color: 'red' },
};

/** The RFM column: "R4 F3 M5" (each 1–5), or — without scores (no purchase in 12 months, or a merchant admin). */
export function rfmText(rfm: AdminMember['rfm']): string {
  return rfm ? `R${rfm.r} F${rfm.f} M${rfm.m}` : '—';
}

export const SORT_LABEL: Record<AdminMemberSort, string> = {
  joinedAt: '入会时间',
  lastPurchaseAt: '最近消费',
  spendFen: '消费额',
};

export const AUDIT_ACTION: Record<AuditAction, string> = {
  tier_grant: '授予等级',
  points_adjustment: '调整积分',
  phone_reveal: '查看完整号码',
  members_export: '导出会员 CSV',
  reports_export: '导出经营报表 CSV',
  member_self_export: '会员导出本人数据',
  account_closure: '会员注销账号',
  privacy_policy_publish: '发布协议新版本',
  counter_void: '撤销柜台记录',
};

const TIMELINE_TITLE: Record<MemberTimelineType, string> = {
  joined: '入会',
  purchase: '消费',
  refund: '退款',
  coupon_claimed: '领券',
  coupon_used: '用券',
  coupon_forwarded: '转赠优惠券',
  coupon_received: '收到好友转赠',
  points: '积分',
  tier_changed: '等级变动',
};

const TIMELINE_COLOR: Partial<Record<MemberTimelineType, string>> = {
  joined: 'green',
  purchase: 'blue',
  refund: 'red',
  tier_changed: 'gold',
};

const POINTS_KIND: Record<string, string> = {
  earn: '消费获得',
  spend: '消费抵扣',
  expire: '过期',
  reward: '拉新奖励',
  reversal: '冲回',
  refund: '退还',
  adjustment: '运营调整',
};

const TIER_REASON: Record<string, string> = {
  purchase: '消费升级',
  refund: '退款调整',
  review: '定期评估',
  grant: '运营授予',
};

const JOIN_SOURCE: Record<string, string> = { qrcode: '扫码入会', direct: '直接入会', share: '好友转赠入会' };

/** What the console knows by name: merchants and tiers by id / code. */
export interface Names {
  merchant: (merchantId: unknown) => string;
  tier: (code: unknown) => string;
}

const signed = (n: number) => (n > 0 ? `+${n}` : String(n));

/** One line saying what a timeline entry was, in Chinese, from the fields its type carries. */
function describe(entry: MemberTimelineEntry, names: Names): string {
  const d = entry.detail;
  switch (entry.type) {
    case 'joined': {
      const via = [JOIN_SOURCE[String(d.source)] ?? String(d.source)];
      if (d.merchantId) via.push(names.merchant(d.merchantId));
      if (d.scene) via.push(`小程序码 ${String(d.scene)}`);
      if (d.campaign) via.push(`活动 ${String(d.campaign)}`);
      if (d.referrerMemberId) via.push(`推荐人 会员 ${String(d.referrerMemberId)}`);
      return via.join(' · ');
    }
    case 'purchase':
      return `${names.merchant(d.merchantId)} · ${d.channel === 'order' ? '在线支付' : '柜台消费'} ${formatFen(Number(d.paidFen))}`;
    case 'refund':
      return `${names.merchant(d.merchantId)} · 退款 ${formatFen(Number(d.amountFen))}`;
    case 'coupon_claimed':
    case 'coupon_received':
      return String(d.title ?? '');
    case 'coupon_used':
      return `${String(d.title ?? '')}${d.merchantId ? ` · ${names.merchant(d.merchantId)}` : ''}`;
    case 'coupon_forwarded':
      return `好友 会员 ${String(d.toMemberId)} 已领取`;
    case 'points':
      return `${POINTS_KIND[String(d.kind)] ?? String(d.kind)} ${signed(Number(d.points))}`;
    case 'tier_changed':
      return `${names.tier(d.from)} → ${names.tier(d.to)}（${TIER_REASON[String(d.reason)] ?? String(d.reason)}）`;
  }
}

export function timelineItem(entry: MemberTimelineEntry, names: Names) {
  return {
    title: TIMELINE_TITLE[entry.type] ?? entry.type,
    text: describe(entry, names),
    color: TIMELINE_COLOR[entry.type] ?? 'gray',
  };
}

const FILTER_LABEL: Record<string, string> = {
  q: '搜索',
  tier: '等级',
  lifecycle: '生命周期',
  joinMerchantId: '入会商户',
  joinedFrom: '入会起',
  joinedTo: '入会止（不含）',
  sort: '排序',
};

/** What an audited action did, in a line: the tier and its end, the points, the export's filters. */
export function auditDetail(entry: AuditLogEntry, names: Names): string {
  const d = entry.detail;
  switch (entry.action) {
    case 'tier_grant':
      return `${names.tier(d.tierCode)}，有效至 ${formatLastDay(String(d.until))}`;
    case 'points_adjustment':
      return `积分 ${signed(Number(d.points))}`;
    case 'phone_reveal':
      return '—';
    case 'members_export': {
      const filters = Object.entries((d.filters ?? {}) as Record<string, unknown>).filter(
        ([, v]) => v !== undefined && v !== null && v !== '',
      );
      return filters.length
        ? filters.map(([k, v]) => `${FILTER_LABEL[k] ?? k}：${describeFilter(k, v, names)}`).join('；')
        : '全部会员';
    }
    case 'reports_export':
      return `${String(d.from)} 至 ${String(d.to)}（不含）${d.merchantId ? `，${names.merchant(d.merchantId)}` : ''}`;
    case 'member_self_export':
      return `${Number(d.coupons)} 张券、${Number(d.pointsTransactions)} 条积分记录、${Number(d.orders)} 笔订单`;
    case 'account_closure':
      return `券作废 ${Number(d.couponsVoided)} 张，积分清零 ${Number(d.pointsForfeited)}，关闭订单 ${Number(d.ordersClosed)} 笔`;
    case 'privacy_policy_publish':
      return `第 ${Number(d.version)} 版`;
    case 'counter_void':
      return `消费 ${formatFen(Number(d.amountFen))}，扣回积分 ${Number(d.pointsReversed)}${d.couponReturned ? '，券已退回' : ''}`;
  }
}

function describeFilter(key: string, value: unknown, names: Names): string {
  if (key === 'tier') return names.tier(value);
  if (key === 'joinMerchantId') return names.merchant(value);
  if (key === 'sort') return SORT_LABEL[value as AdminMemberSort] ?? String(value);
  if (key === 'lifecycle') return LIFECYCLE[value as Lifecycle]?.label ?? String(value);
  return String(value);
}
