import type { CouponKind } from '@allycard/contracts';
import { PlusOutlined, ReloadOutlined } from '@ant-design/icons';
import { Badge, Button, Popconfirm, Space, Table, Tag, Typography } from 'antd';
import { useMemo, useState } from 'react';
import { api } from '../../api/admin';
import type { CouponTemplate } from '@allycard/contracts';
import { useSession } from '../../auth';
import { showError, toast } from '../../lib/feedback';
import { useLoad } from '../../lib/useLoad';
import { KIND_COLOR, KIND_LABEL, termsText, validityText } from './couponText';
import { CouponTemplateDrawer } from './CouponTemplateForm';
import { EditTemplateModal } from './EditTemplateModal';

const count = (n: number) => n.toLocaleString('en-US');

export default function CouponsPage() {
  const session = useSession();
  const templates = useLoad(api.templates);
  const merchants = useLoad(api.merchants);
  const tiers = useLoad(api.tiers);
  const [creating, setCreating] = useState(false);
  const [editing, setEditing] = useState<CouponTemplate | null>(null);
  const [busyId, setBusyId] = useState<string | null>(null);

  const merchantName = useMemo(() => {
    const names = new Map((merchants.data ?? []).map((m) => [m.id, m.name]));
    return (id: string | null) => (id ? (names.get(id) ?? `商户 ${id}`) : '');
  }, [merchants.data]);
  const tierName = (code: string) => tiers.data?.find((t) => t.code === code)?.name ?? code;

  const replace = (next: CouponTemplate) =>
    templates.set((list) => list?.map((t) => (t.id === next.id ? next : t)));

  const toggle = async (t: CouponTemplate) => {
    setBusyId(t.id);
    try {
      const next = t.status === 'active' ? await api.pauseTemplate(t.id) : await api.resumeTemplate(t.id);
      replace(next);
      toast.success(next.status === 'active' ? `「${t.title}」已恢复发放` : `「${t.title}」已暂停发放`);
    } catch (error) {
      showError(error);
    } finally {
      setBusyId(null);
    }
  };

  return (
    <>
      <div className="page-toolbar">
        <Typography.Text type="secondary">
          {session.role === 'merchant_admin'
            ? '本商户发行的优惠券：仅限本店使用，成本由本店承担。'
            : '联盟与商户发行的全部优惠券；金额按分存储，此处以元显示。'}
        </Typography.Text>
        <Space>
          <Button icon={<ReloadOutlined />} onClick={templates.reload}>
            刷新
          </Button>
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)}>
            新建优惠券
          </Button>
        </Space>
      </div>
      <Table<CouponTemplate>
        rowKey="id"
        size="small"
        bordered
        loading={templates.loading}
        dataSource={templates.data}
        scroll={{ x: 1150 }}
        locale={{ emptyText: '还没有优惠券，点击右上角「新建优惠券」开始发券' }}
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        columns={[
          {
            title: '优惠券',
            dataIndex: 'title',
            render: (_, t) => (
              <>
                <div>
                  {t.title} <span className="muted">#{t.id}</span>
                </div>
                {t.description && <div className="muted">{t.description}</div>}
              </>
            ),
          },
          {
            title: '类型',
            dataIndex: 'kind',
            width: 84,
            filters: (Object.keys(KIND_LABEL) as CouponKind[]).map((k) => ({
              text: KIND_LABEL[k],
              value: k,
            })),
            onFilter: (value, t) => t.kind === value,
            render: (kind: CouponKind) => <Tag color={KIND_COLOR[kind]}>{KIND_LABEL[kind]}</Tag>,
          },
          { title: '优惠内容', key: 'terms', width: 150, render: (_, t) => termsText(t) },
          {
            title: '发行方 / 可用范围',
            key: 'scope',
            width: 150,
            render: (_, t) => (
              <>
                <div>
                  {t.issuer.type === 'alliance' ? '联盟发行' : `${merchantName(t.issuer.merchantId)}发行`}
                </div>
                <div className="muted">
                  {t.usableAt === 'alliance'
                    ? '全联盟通用'
                    : `限 ${t.merchantIds.map(merchantName).join('、')}`}
                </div>
              </>
            ),
          },
          {
            title: '有效期 / 限领',
            key: 'validity',
            width: 130,
            render: (_, t) => (
              <>
                <div>{validityText(t)}</div>
                <div className="muted">每人限领 {t.perMemberLimit} 张</div>
              </>
            ),
          },
          {
            title: '已发 / 库存',
            key: 'stock',
            width: 120,
            sorter: (a, b) => a.remaining - b.remaining,
            render: (_, t) => (
              <div className="num">
                <div>
                  {count(t.issued)} / {count(t.stock)}
                </div>
                <div className={t.remaining === 0 ? 'negative' : 'muted'}>剩余 {count(t.remaining)}</div>
              </div>
            ),
          },
          {
            title: '规则',
            key: 'rules',
            width: 130,
            render: (_, t) => (
              <Space size={[0, 4]} wrap>
                {t.joinGift && <Tag color="gold">入会礼</Tag>}
                {t.channel === 'issue_only' && <Tag color="purple">仅发放</Tag>}
                {t.audience === 'new_members' && <Tag color="blue">新会员</Tag>}
                {t.firstOrderOnly && <Tag color="magenta">首单</Tag>}
                {t.forwardable && <Tag color="green">可转赠</Tag>}
                {t.minTierCode && <Tag>≥{tierName(t.minTierCode)}</Tag>}
              </Space>
            ),
          },
          {
            title: '状态',
            dataIndex: 'status',
            width: 84,
            filters: [
              { text: '发放中', value: 'active' },
              { text: '已暂停', value: 'paused' },
            ],
            onFilter: (value, t) => t.status === value,
            render: (_, t) =>
              t.status === 'active' ? (
                <Badge status="success" text="发放中" />
              ) : (
                <Badge status="default" text="已暂停" />
              ),
          },
          {
            title: '操作',
            key: 'actions',
            fixed: 'right',
            width: 110,
            render: (_, t) => (
              <Space size={0}>
                <Button size="small" type="link" onClick={() => setEditing(t)}>
                  编辑
                </Button>
                {t.status === 'active' ? (
                  <Popconfirm
                    title="暂停发放？"
                    description="暂停后会员无法再领取，已领取的券不受影响。"
                    okText="暂停"
                    onConfirm={() => toggle(t)}
                  >
                    <Button size="small" type="link" danger loading={busyId === t.id}>
                      暂停
                    </Button>
                  </Popconfirm>
                ) : (
                  <Button size="small" type="link" loading={busyId === t.id} onClick={() => toggle(t)}>
                    恢复
                  </Button>
                )}
              </Space>
            ),
          },
        ]}
      />
      <CouponTemplateDrawer
        open={creating}
        session={session}
        merchants={merchants.data ?? []}
        tiers={tiers.data ?? []}
        onClose={() => setCreating(false)}
        onCreated={(t) => {
          setCreating(false);
          templates.set((list) => [t, ...(list ?? [])]);
        }}
      />
      <EditTemplateModal template={editing} onClose={() => setEditing(null)} onSaved={replace} />
    </>
  );
}
