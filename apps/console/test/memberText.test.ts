import type { AuditLogEntry, MemberTimelineEntry } from '@allycard/contracts';
import { auditDetail, rfmText, timelineItem, type Names } from '../src/pages/members/memberText';

const names: Names = {
  merchant: (id) => ({ '1': '街角咖啡', '2': '知行书店' })[String(id)] ?? `商户 ${String(id)}`,
  tier: (code) => ({ normal: '普通会员', gold: '黄金会员' })[String(code)] ?? String(code),
};
const at = '2026-12-04T02:00:00.000Z';
const entry = (type: MemberTimelineEntry['type'], detail: Record<string, unknown>) => ({ at, type, detail });
const audit = (action: AuditLogEntry['action'], detail: Record<string, unknown>): AuditLogEntry => ({
  id: '1',
  at,
  actor: { id: '1', role: 'alliance_admin', username: 'admin' },
  action,
  memberId: '7',
  reason: 'x',
  detail,
});

describe('timelineItem', () => {
  it.each([
    [
      entry('joined', { source: 'qrcode', merchantId: '1', scene: 'demo-coffee', campaign: null }),
      '入会',
      '扫码入会 · 街角咖啡 · 小程序码 demo-coffee',
    ],
    [
      entry('joined', { source: 'share', merchantId: null, referrerMemberId: '3' }),
      '入会',
      '好友转赠入会 · 推荐人 会员 3',
    ],
    [
      entry('purchase', { channel: 'counter', merchantId: '2', paidFen: 12_900 }),
      '消费',
      '知行书店 · 柜台消费 ¥129.00',
    ],
    [
      entry('purchase', { channel: 'order', merchantId: '1', paidFen: 5 }),
      '消费',
      '街角咖啡 · 在线支付 ¥0.05',
    ],
    [entry('refund', { merchantId: '1', amountFen: 1_234_500 }), '退款', '街角咖啡 · 退款 ¥12,345.00'],
    [entry('coupon_used', { title: '满50减8', merchantId: '2' }), '用券', '满50减8 · 知行书店'],
    [entry('coupon_forwarded', { toMemberId: '9' }), '转赠优惠券', '好友 会员 9 已领取'],
    [entry('points', { kind: 'earn', points: 68 }), '积分', '消费获得 +68'],
    [entry('points', { kind: 'adjustment', points: -50 }), '积分', '运营调整 -50'],
    [
      entry('tier_changed', { from: 'normal', to: 'gold', reason: 'grant' }),
      '等级变动',
      '普通会员 → 黄金会员（运营授予）',
    ],
  ])('says what happened in Chinese: %o', (e, title, text) => {
    expect(timelineItem(e as MemberTimelineEntry, names)).toMatchObject({ title, text });
  });
});

describe('auditDetail', () => {
  it('names the tier and the last day a grant covers (its end is exclusive)', () => {
    expect(
      auditDetail(audit('tier_grant', { tierCode: 'gold', until: '2027-06-30T16:00:00.000Z' }), names),
    ).toBe('黄金会员，有效至 2027-06-30');
  });

  it('signs a points adjustment', () => {
    expect(auditDetail(audit('points_adjustment', { points: 200 }), names)).toBe('积分 +200');
    expect(auditDetail(audit('points_adjustment', { points: -5 }), names)).toBe('积分 -5');
  });

  it("spells an export's filters out by name, and an unfiltered export as 全部会员", () => {
    const filters = { q: '小林', tier: 'gold', lifecycle: 'dormant', joinMerchantId: '1', sort: 'spendFen' };
    expect(auditDetail(audit('members_export', { filters }), names)).toBe(
      '搜索：小林；等级：黄金会员；生命周期：沉睡；入会商户：街角咖啡；排序：消费额',
    );
    expect(auditDetail(audit('members_export', { filters: {} }), names)).toBe('全部会员');
  });

  it("tells a member's own export and account closure by what they took, and a policy by its version", () => {
    expect(
      auditDetail(
        audit('member_self_export', { coupons: 2, pointsTransactions: 5, orders: 1, shares: 0 }),
        names,
      ),
    ).toBe('2 张券、5 条积分记录、1 笔订单');
    const closed = { couponsVoided: 3, pointsForfeited: 520, ordersClosed: 1, sharesCancelled: 1 };
    expect(auditDetail(audit('account_closure', closed), names)).toBe(
      '券作废 3 张，积分清零 520，关闭订单 1 笔',
    );
    expect(auditDetail(audit('privacy_policy_publish', { version: 2 }), names)).toBe('第 2 版');
    expect(
      auditDetail(
        audit('counter_void', { amountFen: 368000, pointsReversed: 3680, couponReturned: true }),
        names,
      ),
    ).toBe('消费 ¥3,680.00，扣回积分 3680，券已退回');
  });
});

describe('rfmText', () => {
  it('shows the three scores, or a dash without them', () => {
    expect(rfmText({ r: 4, f: 3, m: 5 })).toBe('R4 F3 M5');
    expect(rfmText(null)).toBe('—');
    expect(rfmText(undefined)).toBe('—');
  });
});
