import type { QrCode } from '@allycard/contracts';
import { QrcodeOutlined, ReloadOutlined } from '@ant-design/icons';
import {
  Button,
  Card,
  Col,
  Descriptions,
  Empty,
  Form,
  Input,
  Row,
  Select,
  Space,
  Table,
  Tag,
  Typography,
} from 'antd';
import { useMemo, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { api } from '../../api/admin';
import type { AdminMerchant, QrCodeRow } from '@allycard/contracts';
import { showError, toast } from '../../lib/feedback';
import { formatTime, h5JoinUrl } from '../../lib/format';
import { useLoad } from '../../lib/useLoad';

interface NewCode {
  merchantId: string;
  storeId?: string;
  campaign?: string;
}

export default function QrCodesPage() {
  const [params, setParams] = useSearchParams();
  const filter = params.get('merchantId') ?? undefined;
  const merchants = useLoad(api.adminMerchants);
  const codes = useLoad(() => api.qrcodes(filter), [filter]);
  const [form] = Form.useForm<NewCode>();
  const merchantId = Form.useWatch('merchantId', form);
  const [created, setCreated] = useState<(QrCode & { merchantName: string }) | null>(null);
  const [saving, setSaving] = useState(false);

  const byId = useMemo(
    () => new Map((merchants.data ?? []).map((m) => [m.id, m] as [string, AdminMerchant])),
    [merchants.data],
  );
  const stores = merchantId ? (byId.get(merchantId)?.stores ?? []) : [];
  const merchantOptions = (merchants.data ?? []).map((m) => ({ value: m.id, label: m.name }));

  const create = async (values: NewCode) => {
    setSaving(true);
    try {
      const code = await api.createQrCode({
        merchantId: values.merchantId,
        ...(values.storeId ? { storeId: values.storeId } : {}),
        ...(values.campaign?.trim() ? { campaign: values.campaign.trim() } : {}),
      });
      setCreated({ ...code, merchantName: byId.get(values.merchantId)?.name ?? '' });
      toast.success('小程序码已生成');
      void codes.reload();
    } catch (error) {
      showError(error, form);
    } finally {
      setSaving(false);
    }
  };

  return (
    <Row gutter={16} align="top">
      <Col xs={24} xl={9}>
        <Card size="small" title="生成入会小程序码">
          <Form
            form={form}
            name="qrcode-create"
            layout="vertical"
            onFinish={create}
            initialValues={{ merchantId: filter }}
            onValuesChange={(changed: Partial<NewCode>) => {
              if ('merchantId' in changed) form.setFieldValue('storeId', undefined);
            }}
          >
            <Form.Item name="merchantId" label="商户" rules={[{ required: true, message: '请选择商户' }]}>
              <Select
                showSearch
                optionFilterProp="label"
                placeholder="选择商户"
                loading={merchants.loading}
                options={merchantOptions}
              />
            </Form.Item>
            <Form.Item name="storeId" label="门店" extra="扫码入会的会员记为该门店拉新；不选则只记到商户。">
              <Select
                allowClear
                placeholder={merchantId ? '不指定门店' : '先选择商户'}
                disabled={!merchantId}
                options={stores.map((s) => ({ value: s.id, label: s.name }))}
              />
            </Form.Item>
            <Form.Item
              name="campaign"
              label="活动标识"
              extra="可选，用于区分投放渠道，如 opening-week。"
              rules={[{ pattern: /^[A-Za-z0-9_-]{1,32}$/, message: '1–32 位字母、数字、_ 或 -' }]}
            >
              <Input placeholder="opening-week" maxLength={32} />
            </Form.Item>
            <Button type="primary" htmlType="submit" icon={<QrcodeOutlined />} loading={saving} block>
              生成小程序码
            </Button>
          </Form>
        </Card>
        {created && (
          <Card size="small" title="新生成的小程序码" style={{ marginTop: 16 }} data-testid="qr-result">
            <Space align="start" size={16}>
              <img
                className="qr-image"
                alt={`小程序码 ${created.scene}`}
                src={`data:image/png;base64,${created.imagePngBase64}`}
              />
              <Space direction="vertical" size={4} style={{ minWidth: 0 }}>
                <Typography.Text strong>{created.merchantName}</Typography.Text>
                <Typography.Text type="secondary">scene</Typography.Text>
                <Typography.Text code copyable>
                  {created.scene}
                </Typography.Text>
                <Typography.Text type="secondary">小程序路径</Typography.Text>
                <Typography.Text copyable style={{ wordBreak: 'break-all' }}>
                  {created.path}
                </Typography.Text>
                <a
                  href={`data:image/png;base64,${created.imagePngBase64}`}
                  download={`qrcode-${created.scene}.png`}
                >
                  下载 PNG
                </a>
              </Space>
            </Space>
            <Descriptions size="small" column={1} style={{ marginTop: 12 }}>
              <Descriptions.Item label="H5 扫码链接">
                <Typography.Link
                  href={h5JoinUrl(created.scene)}
                  target="_blank"
                  copyable={{ text: h5JoinUrl(created.scene) }}
                  style={{ wordBreak: 'break-all' }}
                >
                  {h5JoinUrl(created.scene)}
                </Typography.Link>
              </Descriptions.Item>
            </Descriptions>
          </Card>
        )}
      </Col>
      <Col xs={24} xl={15}>
        <Card
          size="small"
          title="已生成的小程序码"
          extra={
            <Space>
              <Select
                allowClear
                showSearch
                optionFilterProp="label"
                placeholder="全部商户"
                style={{ width: 180 }}
                value={filter}
                options={merchantOptions}
                onChange={(value?: string) => setParams(value ? { merchantId: value } : {})}
              />
              <Button icon={<ReloadOutlined />} onClick={codes.reload} />
            </Space>
          }
        >
          <Table<QrCodeRow>
            rowKey="scene"
            size="small"
            loading={codes.loading}
            dataSource={codes.data}
            pagination={{ pageSize: 15, hideOnSinglePage: true }}
            locale={{
              emptyText: <Empty description="还没有小程序码" image={Empty.PRESENTED_IMAGE_SIMPLE} />,
            }}
            columns={[
              {
                title: 'scene',
                dataIndex: 'scene',
                render: (scene: string) => <Typography.Text code>{scene}</Typography.Text>,
              },
              {
                title: '商户 / 门店',
                key: 'merchant',
                render: (_, q) => {
                  const m = byId.get(q.merchantId);
                  const store = q.storeId ? m?.stores.find((s) => s.id === q.storeId)?.name : null;
                  return (
                    <>
                      <div>{m?.name ?? `商户 ${q.merchantId}`}</div>
                      {q.storeId && <div className="muted">{store ?? `门店 ${q.storeId}`}</div>}
                    </>
                  );
                },
              },
              {
                title: '活动',
                dataIndex: 'campaign',
                render: (c: string | null) => (c ? <Tag>{c}</Tag> : <span className="muted">—</span>),
              },
              { title: '生成时间', dataIndex: 'createdAt', width: 140, render: formatTime },
              {
                title: 'H5 扫码链接',
                key: 'link',
                width: 110,
                render: (_, q) => (
                  <Typography.Link
                    href={h5JoinUrl(q.scene)}
                    target="_blank"
                    copyable={{ text: h5JoinUrl(q.scene) }}
                  >
                    打开
                  </Typography.Link>
                ),
              },
            ]}
          />
        </Card>
      </Col>
    </Row>
  );
}
