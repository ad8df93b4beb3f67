import {
  EnvironmentOutlined,
  PlusOutlined,
  QrcodeOutlined,
  ReloadOutlined,
  TeamOutlined,
} from '@ant-design/icons';
import { Button, Form, Input, Modal, Select, Space, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { api } from '../../api/admin';
import type { AdminMerchant } from '@allycard/contracts';
import { showError, toast } from '../../lib/feedback';
import { useLoad } from '../../lib/useLoad';
import { ImageUpload } from '../../components/ImageUpload';
import { StaffDrawer } from './StaffDrawer';
import { StoresDrawer } from './StoresDrawer';

interface NewMerchant {
  name: string;
  description?: string;
  stores?: string[];
}

export default function MerchantsPage() {
  const merchants = useLoad(api.adminMerchants);
  const navigate = useNavigate();
  const [creating, setCreating] = useState(false);
  const [saving, setSaving] = useState(false);
  const [staffOf, setStaffOf] = useState<AdminMerchant | null>(null);
  const [storesOf, setStoresOf] = useState<string | null>(null);
  const [form] = Form.useForm<NewMerchant>();

  const create = async (values: NewMerchant) => {
    setSaving(true);
    try {
      const stores = (values.stores ?? []).map((s) => s.trim()).filter(Boolean);
      const merchant = await api.createMerchant({
        name: values.name.trim(),
        ...(values.description?.trim() ? { description: values.description.trim() } : {}),
        ...(stores.length ? { stores } : {}),
      });
      toast.success(`已创建商户「${merchant.name}」`);
      setCreating(false);
      form.resetFields();
      merchants.set((list) => [...(list ?? []), merchant]);
    } catch (error) {
      showError(error, form, (field) => (field.startsWith('stores') ? 'stores' : field));
    } finally {
      setSaving(false);
    }
  };

  const setLogo = async (merchant: AdminMerchant, logoUrl: string | null) => {
    const next = await api.setMerchantLogo(merchant.id, logoUrl);
    merchants.set((list) => list?.map((m) => (m.id === next.id ? next : m)));
    toast.success(logoUrl ? `「${merchant.name}」的标志已更新` : `已移除「${merchant.name}」的标志`);
  };

  return (
    <>
      <div className="page-toolbar">
        <Typography.Text type="secondary">
          联盟内的商户及其门店；为商户开通员工账号、生成入会小程序码。
        </Typography.Text>
        <Space>
          <Button icon={<ReloadOutlined />} onClick={merchants.reload}>
            刷新
          </Button>
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)}>
            新建商户
          </Button>
        </Space>
      </div>
      <Table<AdminMerchant>
        rowKey="id"
        size="small"
        bordered
        loading={merchants.loading}
        dataSource={merchants.data}
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        columns={[
          { title: 'ID', dataIndex: 'id', width: 72 },
          {
            title: '标志',
            key: 'logo',
            width: 170,
            render: (_, m) => (
              <ImageUpload
                value={m.logoUrl}
                size={48}
                label="上传标志"
                onChange={(url) => setLogo(m, url).catch((error: unknown) => showError(error))}
              />
            ),
          },
          {
            title: '商户',
            dataIndex: 'name',
            render: (_, m) => (
              <>
                <div>{m.name}</div>
                {m.description && <div className="muted">{m.description}</div>}
              </>
            ),
          },
          {
            title: '门店',
            dataIndex: 'stores',
            render: (_, m) =>
              m.stores.length ? (
                m.stores.map((s) => <Tag key={s.id}>{s.name}</Tag>)
              ) : (
                <span className="muted">无</span>
              ),
          },
          {
            title: '操作',
            key: 'actions',
            width: 280,
            render: (_, m) => (
              <Space size={4}>
                <Button
                  size="small"
                  type="link"
                  icon={<EnvironmentOutlined />}
                  onClick={() => setStoresOf(m.id)}
                >
                  门店
                </Button>
                <Button size="small" type="link" icon={<TeamOutlined />} onClick={() => setStaffOf(m)}>
                  员工
                </Button>
                <Button
                  size="small"
                  type="link"
                  icon={<QrcodeOutlined />}
                  onClick={() => navigate(`/qrcodes?merchantId=${encodeURIComponent(m.id)}`)}
                >
                  小程序码
                </Button>
              </Space>
            ),
          },
        ]}
      />

      <Modal
        title="新建商户"
        open={creating}
        okText="创建"
        confirmLoading={saving}
        onOk={() => form.submit()}
        onCancel={() => setCreating(false)}
        destroyOnHidden
      >
        <Form form={form} name="merchant-create" layout="vertical" onFinish={create} preserve={false}>
          <Form.Item name="name" label="商户名称" rules={[{ required: true, whitespace: true, max: 64 }]}>
            <Input placeholder="如：街角咖啡" maxLength={64} />
          </Form.Item>
          <Form.Item name="description" label="简介" rules={[{ max: 255 }]}>
            <Input.TextArea rows={2} placeholder="可选" maxLength={255} />
          </Form.Item>
          <Form.Item
            name="stores"
            label="门店"
            extra="输入门店名后回车，可添加多个；不填则创建一家与商户同名的门店。"
          >
            <Select mode="tags" open={false} placeholder="如：人民路店" tokenSeparators={[',', '，']} />
          </Form.Item>
        </Form>
      </Modal>

      <StaffDrawer merchant={staffOf} onClose={() => setStaffOf(null)} />
      <StoresDrawer
        merchant={merchants.data?.find((m) => m.id === storesOf) ?? null}
        onClose={() => setStoresOf(null)}
        onChange={(merchantId, stores) =>
          merchants.set((list) => list?.map((m) => (m.id === merchantId ? { ...m, stores } : m)))
        }
      />
    </>
  );
}
