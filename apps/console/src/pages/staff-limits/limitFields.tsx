import type { StaffLimitValues } from '@allycard/contracts';
import { Form, InputNumber } from 'antd';
import { fenToYuan, yuanToFen } from '../../lib/money';

/** The form's view of the limits: money in yuan as people type it. */
export interface LimitValues {
  counterPurchaseMaxYuan: string;
  counterDailyPerMemberMaxYuan: string;
  clerkRefundMaxYuan: string;
  clerkRefundMaxAgeDays: number;
}

export const FIELD_OF: Record<string, string> = {
  counterPurchaseMaxFen: 'counterPurchaseMaxYuan',
  counterDailyPerMemberMaxFen: 'counterDailyPerMemberMaxYuan',
  clerkRefundMaxFen: 'clerkRefundMaxYuan',
};

export const toLimitValues = (l: StaffLimitValues): LimitValues => ({
  counterPurchaseMaxYuan: fenToYuan(l.counterPurchaseMaxFen) ?? '0',
  counterDailyPerMemberMaxYuan: fenToYuan(l.counterDailyPerMemberMaxFen) ?? '0',
  clerkRefundMaxYuan: fenToYuan(l.clerkRefundMaxFen) ?? '0',
  clerkRefundMaxAgeDays: l.clerkRefundMaxAgeDays,
});

export const toStaffLimits = (v: LimitValues): StaffLimitValues => ({
  counterPurchaseMaxFen: yuanToFen(v.counterPurchaseMaxYuan) ?? 0,
  counterDailyPerMemberMaxFen: yuanToFen(v.counterDailyPerMemberMaxYuan) ?? 0,
  clerkRefundMaxFen: yuanToFen(v.clerkRefundMaxYuan) ?? 0,
  clerkRefundMaxAgeDays: v.clerkRefundMaxAgeDays,
});

const money = (name: keyof LimitValues, label: string, extra: string, min = '0.01') => (
  <Form.Item name={name} label={label} extra={extra} rules={[{ required: true, message: '请输入金额' }]}>
    <InputNumber<string>
      stringMode
      min={min}
      max="100000000"
      precision={2}
      prefix="¥"
      style={{ width: '100%' }}
    />
  </Form.Item>
);

/** What a clerk may do alone; beyond it a merchant admin does it (the clerk is told so). */
export function LimitFields() {
  return (
    <>
      {money('counterPurchaseMaxYuan', '店员单笔消费上限', '超过时需商户管理员录入')}
      {money(
        'counterDailyPerMemberMaxYuan',
        '同一会员每日在本店累计上限',
        '按北京时间自然日累计，超过时需商户管理员录入',
      )}
      {money('clerkRefundMaxYuan', '店员单笔退款上限', '超过时需商户管理员退款', '0')}
      <Form.Item
        name="clerkRefundMaxAgeDays"
        label="店员可退款的订单期限"
        extra="支付超过这些天的订单需商户管理员退款"
        rules={[{ required: true, message: '请输入天数' }]}
      >
        <InputNumber min={0} max={3650} precision={0} addonAfter="天内" style={{ width: '100%' }} />
      </Form.Item>
    </>
  );
}
