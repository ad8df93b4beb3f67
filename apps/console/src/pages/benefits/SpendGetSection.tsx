import { Button, Form, InputNumber, Select, Table, Typography } from 'antd';
import { useState } from 'react';
import { RemoveRowButton } from './RemoveRowButton';
import type { AdminMerchant, CouponTemplate, SpendGetRuleRequest } from '@allycard/contracts';
import { businessDateTime, formatFen, templateIssueProblem } from '@allycard/domain';
import { api } from '../../api/admin';
import { showError, toast } from '../../lib/feedback';
import { useLoad } from '../../lib/useLoad';
import { termsText } from '../coupons/couponText';

export interface SpendGetValues {
  /** '' = every merchant of the alliance */
  merchantId: string;
  /** 元, e.g. 100 */
  minYuan: number;
  templateId: string;
}

export function toSpendGetRequest(v: SpendGetValues): SpendGetRuleRequest {
  return {
    merchantId: v.merchantId || null,
    minPaidFen: Math.round(v.minYuan * 100),
    templateId: v.templateId,
  };
}

/** The templates a rule may give: those that can issue a coupon now (active, stock left, not expired). */
export function issuableTemplates(templates: readonly CouponTemplate[], now: Date): CouponTemplate[] {
  return templates.filter(
    (t) =>
      templateIssueProblem({ ...t, validUntil: t.validUntil ? new Date(t.validUntil) : null }, now) === null,
  );
}

/**
 * 满额返券: a paid purchase (a paid order or a counter purchase) of at least the amount at the
 * merchant, or anywhere, gives a coupon of the template; and the purchases refunded or voided after
 * their coupon was used (the coupon stayed).
 */
export function SpendGetSection({
  merchants,
  templates,
}: {
  merchants: readonly AdminMerchant[];
  templates: readonly CouponTemplate[];
}) {
  const rules = useLoad(api.spendGetRules);
  const kept = useLoad(api.spendGetKept);
  const [form] = Form.useForm<SpendGetValues>();
  const [saving, setSaving] = useState(false);
  const nameOf = (id: string) => merchants.find((m) => m.id === id)?.name ?? `商户 ${id}`;
  const merchantOptions = [
    { value: '', label: '全联盟商户' },
    ...merchants.map((m) => ({ value: m.id, label: m.name })),
  ];
  const templateOptions = issuableTemplates(templates, new Date()).map((t) => ({
    value: t.id,
    label: `${t.title}（${termsText(t)}）`,
  }));

  const add = async (v: SpendGetValues) => {
    setSaving(true);
    try {
      await api.createSpendGetRule(toSpendGetRequest(v));
      toast.success('满额返券规则已添加');
      form.resetFields();
      await rules.reload();
    } catch (error) {
      showError(error, form, (f) => (f === 'minPaidFen' ? 'minYuan' : f));
    } finally {
      setSaving(false);
    }
  };

  return (
    <>
      <Typography.Title level={5} style={{ marginTop: 24 }}>
        满额返券
      </Typography.Title>
      <Table
        size="small"
        rowKey="id"
        pagination={false}
        loading={rules.loading}
        dataSource={rules.data ?? []}
        data-testid="spend-get-rules"
        locale={{ emptyText: '还没有满额返券规则' }}
        columns={[
          { title: '实付满', key: 'min', render: (_, r) => formatFen(r.minPaidFen) },
          { title: '返券', dataIndex: 'couponTitle' },
          {
            title: '商户',
            key: 'merchant',
            render: (_, r) => (r.merchantId ? nameOf(r.merchantId) : '全联盟'),
          },
          {
            title: '',
            key: 'remove',
            render: (_, r) => (
              <RemoveRowButton
                title="删除这条规则？已返的券不变"
                remove={() => api.removeSpendGetRule(r.id)}
                reload={rules.reload}
              />
            ),
          },
        ]}
      />
      <Form
        form={form}
        name="spend-get"
        layout="horizontal"
        labelCol={{ span: 5 }}
        wrapperCol={{ span: 17 }}
        style={{ marginTop: 12 }}
        initialValues={{ merchantId: '' }}
        onFinish={add}
      >
        <Form.Item name="merchantId" label="适用商户" extra="本店的规则优先，其次取达到的最高门槛">
          <Select options={merchantOptions} optionFilterProp="label" showSearch style={{ width: 240 }} />
        </Form.Item>
        <Form.Item
          name="minYuan"
          label="实付满"
          extra="订单实付或柜台消费实付（扣除券和会员日优惠后）"
          rules={[
            { required: true, message: '请填写金额' },
            { type: 'number', min: 0.01, message: '金额须大于 0' },
          ]}
        >
          <InputNumber precision={2} step={10} addonAfter="元" style={{ width: 160 }} />
        </Form.Item>
        <Form.Item
          name="templateId"
          label="返券"
          extra={
            templateOptions.length ? '只列出现在能发券的模板' : '没有能发券的模板：请先在优惠券里创建或恢复'
          }
          rules={[{ required: true, message: '请选择要返的券' }]}
        >
          <Select options={templateOptions} placeholder="选择券模板" style={{ width: 360 }} />
        </Form.Item>
        <Form.Item wrapperCol={{ offset: 5 }}>
          <Button htmlType="submit" loading={saving}>
            添加满额返券
          </Button>
        </Form.Item>
      </Form>

      <Typography.Title level={5} style={{ marginTop: 16 }}>
        退款后券已使用
      </Typography.Title>
      <Typography.Paragraph type="secondary">
        全额退款的订单或撤销的柜台消费，返的券在此之前已被使用：券不收回，在此留档。
      </Typography.Paragraph>
      <Table
        size="small"
        rowKey="grantId"
        pagination={false}
        loading={kept.loading}
        dataSource={kept.data ?? []}
        data-testid="spend-get-kept"
        locale={{ emptyText: '没有这样的记录' }}
        columns={[
          {
            title: '消费',
            key: 'source',
            render: (_, k) =>
              k.sourceType === 'redemption' ? `柜台消费 ${k.redemptionId}` : `订单 ${k.orderId}`,
          },
          { title: '会员', dataIndex: 'memberId' },
          { title: '券', dataIndex: 'couponId' },
          { title: '退款/撤销时间', key: 'at', render: (_, k) => businessDateTime(new Date(k.updatedAt)) },
        ]}
      />
    </>
  );
}
