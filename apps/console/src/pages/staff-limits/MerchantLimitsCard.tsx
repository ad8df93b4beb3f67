import { DeleteOutlined, EditOutlined, PlusOutlined } from '@ant-design/icons';
import type { StaffLimits, StaffLimitValues } from '@allycard/contracts';
import { Button, Card, Form, Modal, Popconfirm, Select, Space, Table } from 'antd';
import { useState } from 'react';
import { api } from '../../api/admin';
import { showError, toast } from '../../lib/feedback';
import { formatFen } from '../../lib/money';
import { useLoad } from '../../lib/useLoad';
import { FIELD_OF, LimitFields, LimitValues, toLimitValues, toStaffLimits } from './limitFields';

type Override = StaffLimitValues & { merchantId: string };
type Values = LimitValues & { merchantId: string };

/** Merchants with limits of their own (a bakery's big orders), set by the alliance. */
export function MerchantLimitsCard({ limits, onChange }: { limits: StaffLimits; onChange: () => void }) {
  const merchants = useLoad(api.adminMerchants);
  const [editing, setEditing] = useState<{ initial: Partial<Values>; isNew: boolean } | null>(null);
  const [saving, setSaving] = useState(false);
  const [form] = Form.useForm<Values>();
  const names = new Map((merchants.data ?? []).map((m) => [m.id, m.name]));
  const overrides = limits.overrides ?? [];

  const open = (row: Override | 'new') =>
    setEditing(
      row === 'new'
        ? { initial: toLimitValues(limits), isNew: true }
        : { initial: { ...toLimitValues(row), merchantId: row.merchantId }, isNew: false },
    );
  const save = async (values: Values) => {
    setSaving(true);
    try {
      await api.setMerchantStaffLimits(values.merchantId, toStaffLimits(values));
      toast.success('商户限额已保存');
      setEditing(null);
      onChange();
    } catch (error) {
      showError(error, form, (field) => FIELD_OF[field] ?? field);
    } finally {
      setSaving(false);
    }
  };
  const clear = async (merchantId: string) => {
    try {
      await api.clearMerchantStaffLimits(merchantId);
      toast.success('已恢复为联盟统一限额');
      onChange();
    } catch (error) {
      showError(error);
    }
  };

  return (
    <Card
      size="small"
      title="商户单独限额"
      extra={
        <Button icon={<PlusOutlined />} onClick={() => open('new')}>
          为商户设置
        </Button>
      }
    >
      <Table<Override>
        rowKey="merchantId"
        size="small"
        pagination={false}
        dataSource={overrides}
        locale={{ emptyText: '所有商户使用联盟统一限额' }}
        columns={[
          { title: '商户', dataIndex: 'merchantId', render: (id: string) => names.get(id) ?? `商户 ${id}` },
          { title: '单笔消费', dataIndex: 'counterPurchaseMaxFen', align: 'right', render: formatFen },
          {
            title: '每日每会员',
            dataIndex: 'counterDailyPerMemberMaxFen',
            align: 'right',
            render: formatFen,
          },
          { title: '单笔退款', dataIndex: 'clerkRefundMaxFen', align: 'right', render: formatFen },
          {
            title: '退款期限',
            dataIndex: 'clerkRefundMaxAgeDays',
            align: 'right',
            render: (d: number) => `${d} 天`,
          },
          {
            title: '操作',
            key: 'actions',
            render: (_, row) => (
              <Space>
                <Button size="small" icon={<EditOutlined />} onClick={() => open(row)} />
                <Popconfirm title="恢复为联盟统一限额？" onConfirm={() => clear(row.merchantId)}>
                  <Button size="small" danger icon={<DeleteOutlined />} />
                </Popconfirm>
              </Space>
            ),
          },
        ]}
      />
      <Modal
        title="商户单独限额"
        open={editing !== null}
        onCancel={() => setEditing(null)}
        onOk={() => form.submit()}
        confirmLoading={saving}
        destroyOnHidden
      >
        <Form
          form={form}
          name="merchant-staff-limits"
          layout="vertical"
          initialValues={editing?.initial}
          onFinish={save}
        >
          <Form.Item name="merchantId" label="商户" rules={[{ required: true, message: '请选择商户' }]}>
            <Select
              disabled={!editing?.isNew}
              loading={merchants.loading}
              options={(merchants.data ?? []).map((m) => ({ value: m.id, label: m.name }))}
            />
          </Form.Item>
          <LimitFields />
        </Form>
      </Modal>
    </Card>
  );
}
