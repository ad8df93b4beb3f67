import { EditOutlined, PlusOutlined } from '@ant-design/icons';
import type { AdminMerchant, StorePlace } from '@allycard/contracts';
import { Button, Col, Drawer, Form, Input, Modal, Row, Table, Typography } from 'antd';
import { useState } from 'react';
import { api } from '../../api/admin';
import { showError, toast } from '../../lib/feedback';
import {
  coordinatesText,
  parseCoordinates,
  storeBody,
  storeFormField,
  storeFormValues,
  type StoreFormValues,
} from './storeForm';

const HH_MM = /^([01]\d|2[0-3]):[0-5]\d$/;

/**
 * A merchant's stores with where and when: what 联盟商户 in the mini-program shows the shoppers
 * (address, map position, hours, phone). Adds a store or edits one.
 */
export function StoresDrawer({
  merchant,
  onClose,
  onChange,
}: {
  merchant: AdminMerchant | null;
  onClose: () => void;
  /** the merchant's stores after an add or an edit */
  onChange: (merchantId: string, stores: StorePlace[]) => void;
}) {
  const [editing, setEditing] = useState<StorePlace | 'new' | null>(null);
  const [saving, setSaving] = useState(false);
  const [form] = Form.useForm<StoreFormValues>();
  const stores = merchant?.stores ?? [];

  const open = (store: StorePlace | 'new') => {
    setEditing(store);
    form.setFieldsValue(store === 'new' ? { name: '' } : storeFormValues(store));
  };

  const save = async (values: StoreFormValues) => {
    if (!merchant || !editing) return;
    setSaving(true);
    try {
      const body = storeBody(values);
      const saved =
        editing === 'new'
          ? await api.addStore(merchant.id, body)
          : await api.updateStore(merchant.id, editing.id, body);
      toast.success(editing === 'new' ? `已添加门店「${saved.name}」` : `已保存门店「${saved.name}」`);
      onChange(
        merchant.id,
        editing === 'new' ? [...stores, saved] : stores.map((s) => (s.id === saved.id ? saved : s)),
      );
      setEditing(null);
    } catch (error) {
      showError(error, form, storeFormField);
    } finally {
      setSaving(false);
    }
  };

  return (
    <Drawer
      title={merchant ? `门店 · ${merchant.name}` : '门店'}
      width={880}
      open={merchant !== null}
      onClose={onClose}
      destroyOnHidden
      extra={
        <Button type="primary" icon={<PlusOutlined />} onClick={() => open('new')}>
          新增门店
        </Button>
      }
    >
      <Typography.Paragraph type="secondary">
        地址、坐标、营业时间和电话会显示在小程序的「联盟商户」里：会员可以一键拨号、打开地图，允许定位后按距离排序。
      </Typography.Paragraph>
      <Table<StorePlace>
        rowKey="id"
        size="small"
        bordered
        dataSource={stores}
        pagination={false}
        locale={{ emptyText: '还没有门店' }}
        columns={[
          { title: '门店', dataIndex: 'name' },
          {
            title: '地址',
            dataIndex: 'address',
            render: (_, s) => s.address ?? <span className="muted">未填</span>,
          },
          {
            title: '坐标',
            key: 'coordinates',
            render: (_, s) => coordinatesText(s) ?? <span className="muted">未填</span>,
          },
          {
            title: '营业时间',
            dataIndex: 'hoursText',
            render: (_, s) => s.hoursText ?? <span className="muted">未填</span>,
          },
          {
            title: '电话',
            dataIndex: 'phone',
            render: (_, s) => s.phone ?? <span className="muted">未填</span>,
          },
          {
            title: '操作',
            key: 'actions',
            width: 80,
            render: (_, s) => (
              <Button size="small" type="link" icon={<EditOutlined />} onClick={() => open(s)}>
                编辑
              </Button>
            ),
          },
        ]}
      />

      <Modal
        title={editing === 'new' ? '新增门店' : '编辑门店'}
        open={editing !== null}
        okText="保存"
        confirmLoading={saving}
        onOk={() => form.submit()}
        onCancel={() => setEditing(null)}
        forceRender
      >
        <Form form={form} name="store-edit" layout="vertical" onFinish={save}>
          <Form.Item name="name" label="门店名称" rules={[{ required: true, whitespace: true, max: 64 }]}>
            <Input placeholder="如：街角咖啡·人民路店" maxLength={64} />
          </Form.Item>
          <Form.Item name="address" label="地址" rules={[{ max: 128 }]}>
            <Input placeholder="如：上海市黄浦区人民路 328 号" maxLength={128} />
          </Form.Item>
          <Form.Item
            name="coordinates"
            label="坐标（纬度, 经度）"
            extra="可直接粘贴高德坐标拾取器复制的「经度,纬度」；用于地图和距离。"
            rules={[
              {
                validator: async (_, value?: string) => {
                  if (value?.trim() && !parseCoordinates(value))
                    throw new Error('请填两个数：纬度 −90 到 90，经度 −180 到 180');
                },
              },
            ]}
          >
            <Input placeholder="如：31.229546, 121.488167" />
          </Form.Item>
          <Form.Item name="hoursText" label="营业时间" rules={[{ max: 64 }]}>
            <Input placeholder="如：08:00–21:00，或 周一至周五 10:00–22:00" maxLength={64} />
          </Form.Item>
          <Row gutter={12}>
            <Col span={12}>
              <Form.Item
                name="opensAt"
                label="开门（可选）"
                dependencies={['closesAt']}
                rules={[
                  { pattern: HH_MM, message: '须为 HH:mm，如 08:00' },
                  ({ getFieldValue }) => ({
                    validator: async (_, value?: string) => {
                      if (!value?.trim() !== !getFieldValue('closesAt')?.trim())
                        throw new Error('开门和打烊时间须一起填写');
                    },
                  }),
                ]}
              >
                <Input placeholder="08:00" maxLength={5} />
              </Form.Item>
            </Col>
            <Col span={12}>
              <Form.Item
                name="closesAt"
                label="打烊（可选，早于开门即跨夜）"
                rules={[{ pattern: HH_MM, message: '须为 HH:mm，如 21:00' }]}
              >
                <Input placeholder="21:00" maxLength={5} />
              </Form.Item>
            </Col>
          </Row>
          <Form.Item
            name="phone"
            label="电话"
            rules={[{ pattern: /^\d[\d-]{3,18}\d$/, message: '电话只能是数字和短横线，5–20 位' }]}
          >
            <Input placeholder="如：021-63281186" maxLength={20} />
          </Form.Item>
        </Form>
      </Modal>
    </Drawer>
  );
}
