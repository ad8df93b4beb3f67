import type { AdminMemberDetail, TierRule } from '@allycard/contracts';
import { addBusinessDays, parseBusinessDate } from '@allycard/domain';
import { DatePicker, Form, Input, InputNumber, Modal, Select, Typography } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useRef, useState } from 'react';
import { membersApi } from '../../api/members';
import { showError, toast } from '../../lib/feedback';
import { newIdempotencyKey, settled } from '../../lib/idempotency';

/** What every operator action asks for: why (it goes to the audit log). */
const REASON_RULES = [
  { required: true, whitespace: true, message: '请填写原因（记入审计日志）' },
  { max: 255, message: '不能超过 255 个字' },
];

interface ActionProps {
  member: AdminMemberDetail;
  open: boolean;
  onClose: () => void;
  /** after success: the drawer reloads the profile */
  onDone: () => void;
}

/**
 * A modal form that submits one at a time, keeps itself open on an error (shown on the fields
 * the server named) and closes on success.
 */
function useSubmit<T>(send: (values: T) => Promise<void>, onDone: () => void, onClose: () => void) {
  const [form] = Form.useForm<T>();
  const [busy, setBusy] = useState(false);
  const submit = async () => {
    const values = await form.validateFields().catch(() => null);
    if (!values) return;
    setBusy(true);
    try {
      await send(values);
      form.resetFields();
      onClose();
      onDone();
    } catch (error) {
      showError(error, form);
    } finally {
      setBusy(false);
    }
  };
  // What each action's <Modal> takes: submit on OK, busy while sending, gone when closed.
  const modal = { onOk: submit, confirmLoading: busy, onCancel: onClose, destroyOnHidden: true };
  return { form, modal };
}

interface TierGrantValues {
  tierCode: string;
  until: Dayjs;
  reason: string;
}

/**
 * 授予等级: the member keeps at least this tier through the chosen day (Asia/Shanghai); the tier
 * review does not lower it before then.
 */
export function TierGrantModal({
  member,
  tiers,
  open,
  onClose,
  onDone,
}: ActionProps & { tiers: TierRule[] }) {
  const { form, modal } = useSubmit<TierGrantValues>(
    async ({ tierCode, until, reason }) => {
      // Through the chosen day: until the next business day's 00:00 in Shanghai.
      const end = parseBusinessDate(addBusinessDays(until.format('YYYY-MM-DD'), 1))!;
      await membersApi.grantTier(member.id, { tierCode, until: end.toISOString(), reason });
      toast.success('已授予等级');
    },
    onDone,
    onClose,
  );
  return (
    <Modal title={`授予等级 · ${member.cardNo}`} open={open} okText="授予" {...modal}>
      <Form form={form} layout="vertical" id="tier-grant" preserve={false}>
        <Form.Item name="tierCode" label="等级" rules={[{ required: true, message: '请选择等级' }]}>
          <Select options={tiers.map((t) => ({ value: t.code, label: t.name }))} placeholder="选择等级" />
        </Form.Item>
        <Form.Item
          name="until"
          label="有效至（含当天）"
          rules={[{ required: true, message: '请选择有效期' }]}
          extra="到期前定期评估不会降低会员等级"
        >
          <DatePicker style={{ width: '100%' }} disabledDate={(d) => d.isBefore(dayjs(), 'day')} />
        </Form.Item>
        <Form.Item name="reason" label="原因" rules={REASON_RULES}>
          <Input.TextArea rows={2} placeholder="例如：甄选 SVIP，年度大客户" />
        </Form.Item>
      </Form>
    </Modal>
  );
}

interface PointsValues {
  points: number;
  reason: string;
}

/**
 * 调整积分: plus credits, minus debits (never below zero). One Idempotency-Key per submitted
 * adjustment, kept for a retry after no answer, so a double click or a lost answer posts it once.
 */
export function PointsAdjustModal({ member, open, onClose, onDone }: ActionProps) {
  const key = useRef<string | null>(null);
  const { form, modal } = useSubmit<PointsValues>(
    async ({ points, reason }) => {
      key.current ??= newIdempotencyKey();
      try {
        const { balance } = await membersApi.adjustPoints(member.id, { points, reason }, key.current);
        key.current = null;
        toast.success(`积分已调整，当前 ${balance} 分`);
      } catch (error) {
        if (settled(error)) key.current = null;
        throw error;
      }
    },
    onDone,
    onClose,
  );
  return (
    <Modal title={`调整积分 · ${member.cardNo}`} open={open} okText="调整" {...modal}>
      <Typography.Paragraph type="secondary">
        当前积分 {member.points}；扣减后不能低于 0。
      </Typography.Paragraph>
      <Form form={form} layout="vertical" id="points-adjust" preserve={false}>
        <Form.Item
          name="points"
          label="积分（正数增加，负数扣减）"
          rules={[
            { required: true, message: '请填写积分' },
            { type: 'integer', message: '须为整数' },
            { validator: async (_, v) => (v === 0 ? Promise.reject(new Error('不能为 0')) : undefined) },
          ]}
        >
          <InputNumber style={{ width: '100%' }} precision={0} placeholder="例如 200 或 -50" />
        </Form.Item>
        <Form.Item name="reason" label="原因" rules={REASON_RULES}>
          <Input.TextArea rows={2} placeholder="例如：客诉补偿" />
        </Form.Item>
      </Form>
    </Modal>
  );
}

/** 查看完整号码: asks why, then shows the number once (the reveal is audited). */
export function PhoneRevealModal({
  member,
  open,
  onClose,
  onRevealed,
}: Omit<ActionProps, 'onDone'> & { onRevealed: (phone: string) => void }) {
  const { form, modal } = useSubmit<{ reason: string }>(
    async ({ reason }) => onRevealed((await membersApi.revealPhone(member.id, reason)).phone),
    () => undefined,
    onClose,
  );
  return (
    <Modal title="查看完整号码" open={open} okText="查看" {...modal}>
      <Form form={form} layout="vertical" id="phone-reveal" preserve={false}>
        <Form.Item name="reason" label="查看原因" rules={REASON_RULES}>
          <Input placeholder="例如：核实到店预约" />
        </Form.Item>
      </Form>
    </Modal>
  );
}
