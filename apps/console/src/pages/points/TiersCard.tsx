import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { ApiError } from '@allycard/contracts';
import { Alert, Button, Card, Form, Input, InputNumber, Space, Table, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { api } from '../../api/admin';
import type { TierRule } from '@allycard/contracts';
import { showError, toNamePath, toast } from '../../lib/feedback';
import {
  fenToYuan,
  permilleToZhe,
  scaleDecimal,
  unscaleInteger,
  yuanToFen,
  zheToPermille,
} from '../../lib/money';
import { useLoad } from '../../lib/useLoad';

interface Row {
  code: string;
  name: string;
  minSpendYuan: string;
  discountZhe: string;
  multiplier: string;
}

const FIELD_OF: Record<string, string> = {
  minSpendFen: 'minSpendYuan',
  discountPermille: 'discountZhe',
  pointsMultiplierPermille: 'multiplier',
};

// The server's ladder-level messages, in Chinese.
const LADDER_MESSAGES: Record<string, string> = {
  'tier codes must be unique': '等级代码不能重复',
  'minSpendFen must differ between tiers': '各等级的消费门槛不能相同',
  'one tier must have minSpendFen 0 (the base tier)': '必须有一个门槛为 ¥0 的基础等级',
};

/** The rates are stored per mille: at most `digits` decimals survive the conversion exactly. */
const decimals = (digits: number) => ({
  validator: async (_: unknown, value?: string) => {
    if (value !== undefined && value !== null && value !== '' && scaleDecimal(value, digits) === null)
      throw new Error(`最多 ${digits} 位小数`);
  },
});

const toRow = (t: TierRule): Row => ({
  code: t.code,
  name: t.name,
  minSpendYuan: fenToYuan(t.minSpendFen) ?? '0',
  discountZhe: permilleToZhe(t.discountPermille) ?? '10',
  multiplier: unscaleInteger(t.pointsMultiplierPermille, 3) ?? '1',
});

const toTier = (r: Row): TierRule => ({
  code: r.code.trim(),
  name: r.name.trim(),
  minSpendFen: yuanToFen(r.minSpendYuan) ?? 0,
  discountPermille: zheToPermille(r.discountZhe) ?? 1000,
  pointsMultiplierPermille: scaleDecimal(r.multiplier, 3) ?? 1000,
});

/** The tier ladder as an editable table; spend counts the last 12 months, the ¥0 tier is the base. */
export function TiersCard({ editable }: { editable: boolean }) {
  const tiers = useLoad(api.tiers);
  const [form] = Form.useForm<{ tiers: Row[] }>();
  const [saving, setSaving] = useState(false);
  const [ladderErrors, setLadderErrors] = useState<string[]>([]);

  useEffect(() => {
    if (tiers.data)
      form.setFieldsValue({
        tiers: [...tiers.data].sort((a, b) => a.minSpendFen - b.minSpendFen).map(toRow),
      });
  }, [tiers.data, form]);

  const save = async ({ tiers: rows }: { tiers: Row[] }) => {
    setSaving(true);
    setLadderErrors([]);
    try {
      const saved = await api.setTiers(rows.map(toTier));
      tiers.set(() => saved.tiers);
      toast.success('会员等级已保存');
    } catch (error) {
      if (error instanceof ApiError && Array.isArray(error.details))
        setLadderErrors(
          (error.details as { field: string; message: string }[])
            .filter((d) => d.field === 'tiers')
            .map((d) => LADDER_MESSAGES[d.message] ?? d.message),
        );
      showError(error, form, (field) => {
        const path = toNamePath(field);
        if (path.length !== 3) return null;
        const [, index, name] = path;
        return ['tiers', index, FIELD_OF[String(name)] ?? String(name)];
      });
    } finally {
      setSaving(false);
    }
  };

  const cell = { style: { marginBottom: 0 } };
  return (
    <Card
      size="small"
      title="会员等级"
      extra={<Typography.Text type="secondary">按近 12 个月消费自动升降级</Typography.Text>}
    >
      <Form form={form} name="tiers" onFinish={save} disabled={!editable}>
        <Form.List
          name="tiers"
          rules={[
            {
              validator: async (_, rows?: Row[]) => {
                if (!rows?.length) throw new Error('至少需要一个等级');
                if (!rows.some((r) => yuanToFen(r?.minSpendYuan) === 0))
                  throw new Error('必须有一个门槛为 ¥0 的基础等级');
                const codes = rows.map((r) => r?.code?.trim()).filter(Boolean);
                if (new Set(codes).size !== codes.length) throw new Error('等级代码不能重复');
                const spends = rows.map((r) => yuanToFen(r?.minSpendYuan)).filter((v) => v !== null);
                if (new Set(spends).size !== spends.length) throw new Error('各等级的升级门槛不能相同');
              },
            },
          ]}
        >
          {(fields, { add, remove }, { errors }) => (
            <>
              <Table
                size="small"
                bordered
                pagination={false}
                loading={tiers.loading}
                dataSource={fields}
                rowKey="key"
                columns={[
                  {
                    title: '代码',
                    width: 120,
                    render: (_, f) => (
                      <Form.Item
                        {...cell}
                        name={[f.name, 'code']}
                        rules={[
                          { required: true, message: '必填' },
                          { pattern: /^[a-z][a-z0-9_]{0,31}$/, message: '小写字母开头，可含数字和 _' },
                        ]}
                      >
                        <Input placeholder="gold" />
                      </Form.Item>
                    ),
                  },
                  {
                    title: '名称',
                    width: 120,
                    render: (_, f) => (
                      <Form.Item
                        {...cell}
                        name={[f.name, 'name']}
                        rules={[{ required: true, whitespace: true, message: '必填' }]}
                      >
                        <Input placeholder="金卡" maxLength={32} />
                      </Form.Item>
                    ),
                  },
                  {
                    title: '升级门槛（近 12 个月消费）',
                    render: (_, f) => (
                      <Form.Item
                        {...cell}
                        name={[f.name, 'minSpendYuan']}
                        rules={[{ required: true, message: '必填' }]}
                      >
                        <InputNumber<string>
                          stringMode
                          min="0"
                          max="1000000000"
                          precision={2}
                          prefix="¥"
                          style={{ width: '100%' }}
                        />
                      </Form.Item>
                    ),
                  },
                  {
                    title: '会员折扣',
                    width: 120,
                    render: (_, f) => (
                      <Form.Item
                        {...cell}
                        name={[f.name, 'discountZhe']}
                        rules={[{ required: true, message: '必填' }, decimals(2)]}
                      >
                        <InputNumber<string>
                          stringMode
                          min="5"
                          max="10"
                          step="0.5"
                          suffix="折"
                          style={{ width: '100%' }}
                        />
                      </Form.Item>
                    ),
                  },
                  {
                    title: '积分倍率',
                    width: 120,
                    render: (_, f) => (
                      <Form.Item
                        {...cell}
                        name={[f.name, 'multiplier']}
                        rules={[{ required: true, message: '必填' }, decimals(3)]}
                      >
                        <InputNumber<string>
                          stringMode
                          min="0"
                          max="10"
                          step="0.5"
                          suffix="倍"
                          style={{ width: '100%' }}
                        />
                      </Form.Item>
                    ),
                  },
                  ...(editable
                    ? [
                        {
                          title: '',
                          width: 44,
                          render: (_: unknown, f: { name: number }) => (
                            <Button
                              type="text"
                              danger
                              size="small"
                              icon={<DeleteOutlined />}
                              aria-label="删除等级"
                              onClick={() => remove(f.name)}
                            />
                          ),
                        },
                      ]
                    : []),
                ]}
              />
              <Form.ErrorList errors={errors} />
              {ladderErrors.length > 0 && (
                <Alert type="error" showIcon style={{ marginTop: 8 }} message={ladderErrors.join('；')} />
              )}
              <div className="muted" style={{ marginTop: 8 }}>
                会员折扣：10 折为不打折，9.5 折即付 95%；积分倍率：1 倍为基础积分。
              </div>
              {editable && (
                <Space style={{ marginTop: 12 }}>
                  <Button
                    icon={<PlusOutlined />}
                    disabled={fields.length >= 10}
                    onClick={() =>
                      add({ code: '', name: '', minSpendYuan: undefined, discountZhe: '10', multiplier: '1' })
                    }
                  >
                    添加等级
                  </Button>
                  <Button type="primary" htmlType="submit" loading={saving}>
                    保存会员等级
                  </Button>
                </Space>
              )}
            </>
          )}
        </Form.List>
      </Form>
    </Card>
  );
}
