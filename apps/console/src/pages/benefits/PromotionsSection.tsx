import { Button, Form, Input, InputNumber, Select, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { RemoveRowButton } from './RemoveRowButton';
import type { AdminMerchant, PointsPromotion, PointsPromotionRequest } from '@allycard/contracts';
import {
  businessDateTime,
  businessDateTimeToRfc3339,
  MAX_COMBINED_MULTIPLIER_PERMILLE,
  multiplierText,
  parseBusinessDate,
} from '@allycard/domain';
import { api } from '../../api/admin';
import { showError, toast } from '../../lib/feedback';
import { useLoad } from '../../lib/useLoad';

export interface PromotionValues {
  name: string;
  /** 倍, e.g. 2 */
  multiplier: number;
  /** 'YYYY-MM-DD HH:mm', Beijing time */
  startsAt: string;
  endsAt: string;
  merchantIds: string[];
  sponsorMerchantId: string;
}

const WALL = /^(\d{4}-\d{2}-\d{2}) ([01]\d|2[0-3]):([0-5]\d)$/;

/** A 'YYYY-MM-DD HH:mm' Beijing time as RFC 3339, or null when it is not one. */
export function wallTime(text: string | undefined): string | null {
  const m = WALL.exec((text ?? '').trim());
  if (!m || !parseBusinessDate(m[1])) return null;
  return businessDateTimeToRfc3339(m[1], `${m[2]}:${m[3]}:00`);
}

export function toPromotionRequest(v: PromotionValues): PointsPromotionRequest {
  return {
    name: v.name.trim(),
    multiplierPermille: Math.round(v.multiplier * 1000),
    startsAt: wallTime(v.startsAt)!,
    endsAt: wallTime(v.endsAt)!,
    merchantIds: v.merchantIds?.length ? v.merchantIds : null,
    sponsorMerchantId: v.sponsorMerchantId || null,
  };
}

const STATE = {
  upcoming: ['未开始', 'blue'],
  active: ['进行中', 'green'],
  ended: ['已结束', 'default'],
} as const;

/** 积分活动: N× points in a window, at merchants or alliance-wide, optionally sponsored. */
export function PromotionsSection({
  merchants,
  onChange,
}: {
  merchants: readonly AdminMerchant[];
  onChange?: (promotions: PointsPromotion[]) => void;
}) {
  const list = useLoad(async () => {
    const rows = await api.promotions();
    onChange?.(rows);
    return rows;
  });
  const [form] = Form.useForm<PromotionValues>();
  const [saving, setSaving] = useState(false);
  const cap = MAX_COMBINED_MULTIPLIER_PERMILLE / 1000;
  const nameOf = (id: string) => merchants.find((m) => m.id === id)?.name ?? `商户 ${id}`;
  const merchantOptions = merchants.map((m) => ({ value: m.id, label: m.name }));

  const add = async (v: PromotionValues) => {
    setSaving(true);
    try {
      await api.createPromotion(toPromotionRequest(v));
      toast.success('积分活动已创建');
      form.resetFields();
      await list.reload();
    } catch (error) {
      showError(error, form, (f) => (f === 'multiplierPermille' ? 'multiplier' : f));
    } finally {
      setSaving(false);
    }
  };

  return (
    <>
      <Typography.Title level={5}>积分活动</Typography.Title>
      <Table
        size="small"
        rowKey="id"
        pagination={false}
        loading={list.loading}
        dataSource={list.data ?? []}
        data-testid="promotions"
        locale={{ emptyText: '还没有积分活动' }}
        columns={[
          { title: '名称', dataIndex: 'name' },
          { title: '倍数', key: 'm', render: (_, p) => multiplierText(p.multiplierPermille) },
          {
            title: '时间（北京时间）',
            key: 'w',
            render: (_, p) =>
              `${businessDateTime(new Date(p.startsAt))} – ${businessDateTime(new Date(p.endsAt))}`,
          },
          {
            title: '商户',
            key: 'merchants',
            render: (_, p) => (p.merchantIds ? p.merchantIds.map(nameOf).join('、') : '全联盟'),
          },
          {
            title: '出资',
            key: 'sponsor',
            render: (_, p) => (p.sponsorMerchantId ? nameOf(p.sponsorMerchantId) : '—'),
          },
          {
            title: '状态',
            key: 'state',
            render: (_, p) => <Tag color={STATE[p.state][1]}>{STATE[p.state][0]}</Tag>,
          },
          {
            title: '',
            key: 'remove',
            render: (_, p) => (
              <RemoveRowButton
                title="删除这个积分活动？已得的积分不变"
                remove={() => api.removePromotion(p.id)}
                reload={list.reload}
              />
            ),
          },
        ]}
      />
      <Form
        form={form}
        name="promotion"
        layout="horizontal"
        labelCol={{ span: 5 }}
        wrapperCol={{ span: 17 }}
        style={{ marginTop: 12 }}
        initialValues={{ multiplier: 2, merchantIds: [], sponsorMerchantId: '' }}
        onFinish={add}
      >
        <Form.Item
          name="name"
          label="活动名称"
          rules={[
            { required: true, whitespace: true, message: '请填写活动名称' },
            { max: 40, message: '最多 40 个字' },
          ]}
        >
          <Input maxLength={40} placeholder="如：双十二双倍积分" />
        </Form.Item>
        <Form.Item
          name="multiplier"
          label="积分倍数"
          extra={`与等级、会员日倍数相乘，每笔最多 ${cap} 倍`}
          rules={[
            { required: true, message: '请填写积分倍数' },
            { type: 'number', min: 1.001, max: cap, message: `积分活动的倍数须大于 1 倍、最多 ${cap} 倍` },
          ]}
        >
          <InputNumber step={0.5} precision={2} addonAfter="倍" style={{ width: 160 }} />
        </Form.Item>
        <Form.Item
          name="startsAt"
          label="开始"
          rules={[
            {
              validator: (_, v: string) =>
                wallTime(v) ? Promise.resolve() : Promise.reject(new Error('请按「2026-12-12 00:00」填写')),
            },
          ]}
        >
          <Input placeholder="2026-12-12 00:00" style={{ width: 200 }} />
        </Form.Item>
        <Form.Item
          name="endsAt"
          label="结束"
          dependencies={['startsAt']}
          rules={[
            ({ getFieldValue }) => ({
              validator: (_, v: string) => {
                const end = wallTime(v);
                if (!end) return Promise.reject(new Error('请按「2026-12-13 00:00」填写'));
                const start = wallTime(getFieldValue('startsAt'));
                return start && new Date(end) <= new Date(start)
                  ? Promise.reject(new Error('积分活动的结束时间须晚于开始时间'))
                  : Promise.resolve();
              },
            }),
          ]}
        >
          <Input placeholder="2026-12-13 00:00" style={{ width: 200 }} />
        </Form.Item>
        <Form.Item name="merchantIds" label="适用商户" extra="不选：全联盟商户">
          <Select
            mode="multiple"
            allowClear
            optionFilterProp="label"
            placeholder="全联盟商户"
            options={merchantOptions}
          />
        </Form.Item>
        <Form.Item name="sponsorMerchantId" label="出资商户" extra="出资商户在结算中承担活动多送的积分">
          <Select
            options={[{ value: '', label: '不设（按平常积分结算）' }, ...merchantOptions]}
            style={{ width: 240 }}
          />
        </Form.Item>
        <Form.Item wrapperCol={{ offset: 5 }}>
          <Button htmlType="submit" loading={saving}>
            添加积分活动
          </Button>
        </Form.Item>
      </Form>
    </>
  );
}
