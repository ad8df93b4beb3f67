import { DownloadOutlined, ReloadOutlined } from '@ant-design/icons';
import type { AdminMember, AdminMemberSort, Lifecycle } from '@allycard/contracts';
import { LIFECYCLES } from '@allycard/domain';
import { Button, Card, DatePicker, Input, Select, Space, Tag, Tooltip } from 'antd';
import type { Dayjs } from 'dayjs';
import { useMemo, useState } from 'react';
import { membersApi, type MemberQuery } from '../../api/members';
import { saveCsv } from '../../lib/download';
import { showError, toast } from '../../lib/feedback';
import { formatLastDay, formatTime } from '../../lib/format';
import { formatFen } from '../../lib/money';
import { CursorTable } from '../../lib/CursorTable';
import { useCursorPages } from '../../lib/useCursorPages';
import { LIFECYCLE, rfmText, SORT_LABEL } from './memberText';
import { MemberDrawer } from './MemberDrawer';
import { useDirectory } from './useDirectory';

const SORTS = Object.keys(SORT_LABEL) as AdminMemberSort[];

// Filters on the left, export and refresh on the right; wraps on narrow screens.
const TOOLBAR = {
  display: 'flex',
  flexWrap: 'wrap',
  justifyContent: 'space-between',
  gap: 8,
  marginBottom: 12,
} as const;

const time = (iso: string | null) => <span style={{ whiteSpace: 'nowrap' }}>{formatTime(iso)}</span>;

/** 会员: find any member by card number, nickname or phone; filter, sort, export, open the profile. */
export default function MembersPage() {
  const directory = useDirectory();
  const { names } = directory;
  const [q, setQ] = useState('');
  const [tier, setTier] = useState<string>();
  const [lifecycle, setLifecycle] = useState<Lifecycle>();
  const [joinMerchantId, setJoinMerchantId] = useState<string>();
  const [joined, setJoined] = useState<[Dayjs, Dayjs] | null>(null);
  const [sort, setSort] = useState<AdminMemberSort>('joinedAt');
  const [openId, setOpenId] = useState<string | null>(null);
  const [exporting, setExporting] = useState(false);

  const query: MemberQuery = useMemo(
    () => ({
      q: q.trim() || undefined,
      tier,
      lifecycle,
      joinMerchantId,
      joinedFrom: joined?.[0].format('YYYY-MM-DD'),
      // The picker's last day is included; the API's joinedTo is exclusive.
      joinedTo: joined?.[1].add(1, 'day').format('YYYY-MM-DD'),
      sort,
    }),
    [q, tier, lifecycle, joinMerchantId, joined, sort],
  );
  const key = JSON.stringify(query);
  const list = useCursorPages((cursor) => membersApi.list(query, cursor), [key]);
  const filtered = Object.entries(query).some(([k, v]) => k !== 'sort' && v !== undefined);

  const exportCsv = async () => {
    setExporting(true);
    try {
      saveCsv(await membersApi.csv(query), `members-${new Date().toISOString().slice(0, 10)}.csv`);
      toast.success('已导出会员 CSV');
    } catch (error) {
      showError(error);
    } finally {
      setExporting(false);
    }
  };

  return (
    <Card size="small">
      <div style={TOOLBAR}>
        <Space size="small" wrap>
          <Input.Search
            allowClear
            placeholder="卡号 / 昵称 / 手机号"
            aria-label="搜索会员"
            style={{ width: 210 }}
            onSearch={setQ}
            enterButton
          />
          <Select
            allowClear
            placeholder="等级"
            aria-label="等级"
            style={{ width: 100 }}
            value={tier}
            onChange={setTier}
            options={directory.tiers.map((t) => ({ value: t.code, label: t.name }))}
          />
          <Select
            allowClear
            placeholder="生命周期"
            aria-label="生命周期"
            style={{ width: 100 }}
            value={lifecycle}
            onChange={setLifecycle}
            options={LIFECYCLES.map((l) => ({ value: l, label: LIFECYCLE[l].label }))}
          />
          <Select
            allowClear
            placeholder="入会商户"
            aria-label="入会商户"
            style={{ width: 120 }}
            value={joinMerchantId}
            onChange={setJoinMerchantId}
            options={directory.merchants.map((m) => ({ value: m.id, label: m.name }))}
          />
          <DatePicker.RangePicker
            placeholder={['入会日期起', '入会日期止']}
            style={{ width: 230 }}
            value={joined}
            onChange={(range) => setJoined(range?.[0] && range[1] ? [range[0], range[1]] : null)}
          />
          <Select
            aria-label="排序"
            style={{ width: 124 }}
            value={sort}
            onChange={setSort}
            options={SORTS.map((s) => ({ value: s, label: `按${SORT_LABEL[s]}` }))}
          />
        </Space>
        <Space>
          <Tooltip title="导出当前筛选的全部会员（记入审计日志）">
            <Button icon={<DownloadOutlined />} loading={exporting} onClick={exportCsv}>
              导出 CSV
            </Button>
          </Tooltip>
          <Button icon={<ReloadOutlined />} onClick={list.reload}>
            刷新
          </Button>
        </Space>
      </div>
      <CursorTable<AdminMember>
        pages={list}
        failedTitle="会员列表加载失败"
        endText={(n) => `已显示全部 ${n} 位会员`}
        rowKey="id"
        scroll={{ x: 'max-content' }}
        onRow={(m) => ({ onClick: () => setOpenId(m.id), style: { cursor: 'pointer' } })}
        locale={{ emptyText: filtered ? '没有符合条件的会员' : '还没有会员' }}
        columns={[
          { title: '卡号', dataIndex: 'cardNo', width: 170, fixed: 'left' },
          { title: '昵称', dataIndex: 'nickname', render: (n: string | null) => n ?? '—' },
          { title: '手机号', dataIndex: 'phoneMasked', render: (p: string | null) => p ?? '未绑定' },
          {
            title: '等级',
            dataIndex: 'tier',
            render: (t: AdminMember['tier'], m) => (
              <Tooltip
                title={m.tierGrant ? `运营授予，有效至 ${formatLastDay(m.tierGrant.until)}` : undefined}
              >
                <Tag color={m.tierGrant ? 'gold' : 'default'}>{t.name}</Tag>
              </Tooltip>
            ),
          },
          { title: '积分', dataIndex: 'points', align: 'right' },
          {
            title: '生命周期',
            dataIndex: 'lifecycle',
            render: (l: Lifecycle) => <Tag color={LIFECYCLE[l].color}>{LIFECYCLE[l].label}</Tag>,
          },
          {
            title: '入会商户',
            dataIndex: 'joinMerchantId',
            render: (id: string | null) => names.merchant(id),
          },
          { title: '入会时间', dataIndex: 'joinedAt', render: time },
          { title: '最近消费', dataIndex: 'lastPurchaseAt', render: time },
          { title: '消费次数', dataIndex: 'purchases', align: 'right' },
          {
            title: '消费额',
            dataIndex: 'spendFen',
            align: 'right',
            render: (fen: number) => <span className="num">{formatFen(fen)}</span>,
          },
          {
            title: <Tooltip title="近 12 个月的最近消费 R、频次 F、金额 M，各 1–5 分">RFM</Tooltip>,
            dataIndex: 'rfm',
            render: (rfm: AdminMember['rfm']) => <span className="num">{rfmText(rfm)}</span>,
          },
        ]}
      />
      <MemberDrawer
        memberId={openId}
        directory={directory}
        onClose={() => setOpenId(null)}
        onChanged={list.reload}
      />
    </Card>
  );
}
