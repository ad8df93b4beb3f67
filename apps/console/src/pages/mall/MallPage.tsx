import { PauseCircleOutlined, PlayCircleOutlined, PlusOutlined, ReloadOutlined } from '@ant-design/icons';
import { Badge, Button, Popconfirm, Space, Table, Tag, Typography } from 'antd';
import { useMemo, useState } from 'react';
import { api } from '../../api/admin';
import type { AdminMallItem } from '@allycard/contracts';
import { showError, toast } from '../../lib/feedback';
import { formatFen } from '../../lib/money';
import { useLoad } from '../../lib/useLoad';
import { ImageUpload } from '../../components/ImageUpload';
import { MallItemModal } from './MallItemModal';

export default function MallPage() {
  const items = useLoad(api.mallItems);
  const templates = useLoad(api.templates);
  const merchants = useLoad(api.merchants);
  const [creating, setCreating] = useState(false);
  const [busyId, setBusyId] = useState<string | null>(null);

  const templateTitle = useMemo(() => {
    const titles = new Map((templates.data ?? []).map((t) => [t.id, t.title]));
    return (id: string) => titles.get(id) ?? `券模板 #${id}`;
  }, [templates.data]);

  const toggle = async (item: AdminMallItem) => {
    setBusyId(item.id);
    try {
      const next =
        item.status === 'active' ? await api.pauseMallItem(item.id) : await api.resumeMallItem(item.id);
      items.set((list) => list?.map((i) => (i.id === next.id ? next : i)));
      toast.success(next.status === 'active' ? `「${item.title}」已上架` : `「${item.title}」已下架`);
    } catch (error) {
      showError(error);
    } finally {
      setBusyId(null);
    }
  };

  const setImage = async (item: AdminMallItem, imageUrl: string | null) => {
    const next = await api.setMallItemImage(item.id, imageUrl);
    items.set((list) => list?.map((i) => (i.id === next.id ? next : i)));
    toast.success(imageUrl ? `「${item.title}」的图片已更新` : `已移除「${item.title}」的图片`);
  };

  return (
    <>
      <div className="page-toolbar">
        <Typography.Text type="secondary">
          会员用积分兑换商品：到店自提（出示提货码）或直接发券。
        </Typography.Text>
        <Space>
          <Button icon={<ReloadOutlined />} onClick={items.reload}>
            刷新
          </Button>
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)}>
            新建商品
          </Button>
        </Space>
      </div>
      <Table<AdminMallItem>
        rowKey="id"
        size="small"
        bordered
        loading={items.loading}
        dataSource={items.data}
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        locale={{ emptyText: '还没有商品，点击右上角「新建商品」上架' }}
        columns={[
          {
            title: '图片',
            key: 'image',
            width: 170,
            render: (_, i) => (
              <ImageUpload
                value={i.imageUrl}
                size={48}
                onChange={(url) => setImage(i, url).catch((error: unknown) => showError(error))}
              />
            ),
          },
          {
            title: '商品',
            dataIndex: 'title',
            render: (_, i) => (
              <>
                <div>
                  {i.title} <span className="muted">#{i.id}</span>
                </div>
                {i.description && <div className="muted">{i.description}</div>}
              </>
            ),
          },
          {
            title: '兑换方式',
            key: 'fulfilment',
            render: (_, i) =>
              i.fulfilment === 'pickup' ? (
                <>
                  <Tag color="blue">到店自提</Tag>
                  {i.merchantName ?? (i.merchantId ? `商户 ${i.merchantId}` : '')}
                </>
              ) : (
                <>
                  <Tag color="purple">发券</Tag>
                  {i.couponTemplateId ? templateTitle(i.couponTemplateId) : ''}
                </>
              ),
          },
          {
            title: '价格',
            key: 'price',
            width: 150,
            align: 'right',
            render: (_, i) => (
              <span className="num">
                {i.pointsPrice} 积分{i.cashFen > 0 ? ` + ${formatFen(i.cashFen)}` : ''}
              </span>
            ),
          },
          {
            title: '剩余 / 库存',
            key: 'stock',
            width: 110,
            align: 'right',
            render: (_, i) => (
              <span className="num">
                {i.remaining} / {i.stock}
              </span>
            ),
          },
          { title: '每人限兑', dataIndex: 'perMemberLimit', width: 90, align: 'right' },
          {
            title: '状态',
            dataIndex: 'status',
            width: 90,
            render: (_, i) =>
              i.status === 'active' ? (
                <Badge status="success" text="上架中" />
              ) : (
                <Badge status="default" text="已下架" />
              ),
          },
          {
            title: '操作',
            key: 'actions',
            width: 90,
            render: (_, i) =>
              i.status === 'active' ? (
                <Popconfirm
                  title="下架该商品？"
                  description="下架后会员无法兑换。"
                  okText="下架"
                  onConfirm={() => toggle(i)}
                >
                  <Button
                    size="small"
                    type="link"
                    danger
                    icon={<PauseCircleOutlined />}
                    loading={busyId === i.id}
                  >
                    下架
                  </Button>
                </Popconfirm>
              ) : (
                <Button
                  size="small"
                  type="link"
                  icon={<PlayCircleOutlined />}
                  loading={busyId === i.id}
                  onClick={() => toggle(i)}
                >
                  上架
                </Button>
              ),
          },
        ]}
      />
      <MallItemModal
        open={creating}
        merchants={merchants.data ?? []}
        templates={templates.data ?? []}
        onClose={() => setCreating(false)}
        onCreated={(item) => {
          setCreating(false);
          items.set((list) => [item, ...(list ?? [])]);
        }}
      />
    </>
  );
}
