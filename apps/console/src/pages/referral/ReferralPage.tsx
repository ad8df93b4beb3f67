import { Alert, Button, Card, Form, InputNumber, Select, Skeleton, Space, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { api } from '../../api/admin';
import type { ReferralRule } from '@allycard/contracts';
import { showError, toast } from '../../lib/feedback';
import { useLoad } from '../../lib/useLoad';
import { termsText } from '../coupons/couponText';
import { rewardProblemText } from './rewardProblem';

const NONE = '';

interface Values {
  rewardTemplateId: string;
  rewardPoints: number;
}

export default function ReferralPage() {
  const rule = useLoad(api.referralRule);
  const templates = useLoad(api.templates);
  const [form] = Form.useForm<Values>();
  const [saving, setSaving] = useState(false);

  useEffect(() => {
    if (rule.data)
      form.setFieldsValue({
        rewardTemplateId: rule.data.rewardTemplateId ?? NONE,
        rewardPoints: rule.data.rewardPoints,
      });
  }, [rule.data, form]);

  // A join gift goes to every new member already; it cannot double as the sender's reward.
  const options = [
    { value: NONE, label: '不发券' },
    ...(templates.data ?? [])
      .filter((t) => !t.joinGift)
      .map((t) => ({
        value: t.id,
        label: `${t.title}（${termsText(t)}${t.status === 'paused' ? '，已暂停' : ''}）`,
      })),
  ];

  const save = async (values: Values) => {
    setSaving(true);
    try {
      const body: ReferralRule = {
        rewardTemplateId: values.rewardTemplateId || null,
        rewardPoints: values.rewardPoints ?? 0,
      };
      const saved = await api.setReferralRule(body);
      rule.set(() => saved);
      toast.success('拉新奖励已保存');
    } catch (error) {
      showError(error, form);
    } finally {
      setSaving(false);
    }
  };

  return (
    <Card size="small" title="拉新奖励规则" style={{ maxWidth: 720 }}>
      <Alert
        type="info"
        showIcon
        style={{ marginBottom: 16 }}
        message="会员把可转赠的优惠券转给好友，好友领取入会并完成首单后，转赠人获得下面的奖励（积分由联盟出资）。奖励券宜设为「仅发放」，不在领券中心展示。"
      />
      {rule.loading && !rule.data ? (
        <Skeleton active />
      ) : (
        <Form
          form={form}
          name="referral"
          layout="horizontal"
          labelCol={{ span: 5 }}
          wrapperCol={{ span: 16 }}
          onFinish={save}
        >
          <Form.Item name="rewardTemplateId" label="奖励优惠券">
            <Select
              showSearch
              optionFilterProp="label"
              loading={templates.loading}
              options={options}
              placeholder="不发券"
            />
          </Form.Item>
          <Form.Item noStyle shouldUpdate={(a, b) => a.rewardTemplateId !== b.rewardTemplateId}>
            {({ getFieldValue }) => {
              const chosen = templates.data?.find((t) => t.id === getFieldValue('rewardTemplateId'));
              const problem = chosen ? rewardProblemText(chosen) : null;
              return problem ? (
                <Form.Item wrapperCol={{ offset: 5, span: 16 }}>
                  <Alert type="warning" showIcon data-testid="reward-template-problem" message={problem} />
                </Form.Item>
              ) : null;
            }}
          </Form.Item>
          <Form.Item
            name="rewardPoints"
            label="奖励积分"
            rules={[{ required: true, message: '请输入积分（0 为不奖励积分）' }]}
          >
            <InputNumber
              min={0}
              max={1_000_000}
              precision={0}
              addonAfter="积分 / 每位好友"
              style={{ width: 260 }}
            />
          </Form.Item>
          <Form.Item wrapperCol={{ offset: 5 }}>
            <Space>
              <Button type="primary" htmlType="submit" loading={saving}>
                保存
              </Button>
              <Typography.Text type="secondary">两项都为空时不发放拉新奖励。</Typography.Text>
            </Space>
          </Form.Item>
        </Form>
      )}
    </Card>
  );
}
