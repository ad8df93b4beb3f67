import { Alert, Button, Card, Form, InputNumber, Skeleton } from 'antd';
import { useEffect, useState } from 'react';
import { api } from '../../api/admin';
import { showError, toast } from '../../lib/feedback';
import { fenToYuan, formatFen, yuanToFen } from '../../lib/money';
import { useLoad } from '../../lib/useLoad';

interface Values {
  earnYuanPerPoint: string;
  pointValueYuan: string;
  expiryMonths: number;
}

const FIELD_OF: Record<string, string> = {
  earnFenPerPoint: 'earnYuanPerPoint',
  pointValueFen: 'pointValueYuan',
};

/** The alliance's points policy: earn rate, what a point is worth, and when points expire. */
export function PolicyCard({ editable }: { editable: boolean }) {
  const policy = useLoad(api.pointsPolicy);
  const [form] = Form.useForm<Values>();
  const [saving, setSaving] = useState(false);

  useEffect(() => {
    if (policy.data)
      form.setFieldsValue({
        earnYuanPerPoint: fenToYuan(policy.data.earnFenPerPoint),
        pointValueYuan: fenToYuan(policy.data.pointValueFen),
        expiryMonths: policy.data.expiryMonths,
      });
  }, [policy.data, form]);

  const save = async (values: Values) => {
    setSaving(true);
    try {
      const saved = await api.setPointsPolicy({
        earnFenPerPoint: yuanToFen(values.earnYuanPerPoint) ?? 0,
        pointValueFen: yuanToFen(values.pointValueYuan) ?? 0,
        expiryMonths: values.expiryMonths,
      });
      policy.set(() => saved);
      toast.success('积分规则已保存');
    } catch (error) {
      showError(error, form, (field) => FIELD_OF[field] ?? field);
    } finally {
      setSaving(false);
    }
  };

  const p = policy.data;
  return (
    <Card size="small" title="积分规则">
      {!p ? (
        <Skeleton active />
      ) : (
        <>
          <Alert
            type="info"
            style={{ marginBottom: 16 }}
            message={`每实付 ${formatFen(p.earnFenPerPoint)} 得 1 积分；1 积分抵 ${formatFen(p.pointValueFen)}；积分在获得当月起 ${p.expiryMonths} 个月后过期。`}
          />
          <Form form={form} name="points-policy" layout="vertical" onFinish={save} disabled={!editable}>
            <Form.Item
              name="earnYuanPerPoint"
              label="积分获取：每实付多少元得 1 积分"
              rules={[{ required: true, message: '请输入金额' }]}
            >
              <InputNumber<string>
                stringMode
                min="0.01"
                max="10000"
                precision={2}
                prefix="¥"
                style={{ width: '100%' }}
              />
            </Form.Item>
            <Form.Item
              name="pointValueYuan"
              label="积分价值：1 积分抵扣多少元"
              rules={[{ required: true, message: '请输入金额' }]}
            >
              <InputNumber<string>
                stringMode
                min="0.01"
                max="100"
                precision={2}
                prefix="¥"
                style={{ width: '100%' }}
              />
            </Form.Item>
            <Form.Item
              name="expiryMonths"
              label="有效期：获得当月起多少个月后过期"
              rules={[{ required: true, message: '请输入月数' }]}
            >
              <InputNumber min={1} max={120} precision={0} addonAfter="个月" style={{ width: '100%' }} />
            </Form.Item>
            {editable && (
              <Button type="primary" htmlType="submit" loading={saving}>
                保存积分规则
              </Button>
            )}
          </Form>
        </>
      )}
    </Card>
  );
}
