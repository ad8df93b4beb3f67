import { ReloadOutlined, WarningFilled } from '@ant-design/icons';
import type { StaffActivityFlag, StaffActivityRow, StaffRefusal } from '@allycard/contracts';
import { Button, Card, DatePicker, Select, Space, Table, Tag, Tooltip, Typography } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useState } from 'react';
import { api } from '../../api/admin';
import { useSession } from '../../auth';
import { formatFen } from '../../lib/money';
import { useLoad } from '../../lib/useLoad';

const FLAGS: Record<StaffActivityFlag, { label: string; tip: string }> = {
  above_usual: { label: '消费远高于同店', tip: '柜台消费合计达到本店其他员工中位数的 3 倍以上' },
  near_limit: { label: '接近单笔上限', tip: '有一笔消费超过单笔上限的 80%' },
  refunds_above_usual: { label: '退款远高于同店', tip: '退款合计达到本店其他员工中位数的 3 倍以上' },
  refused: { label: '曾被限额拦截', tip: '有操作超过店员限额被拒绝' },
};

const LIMIT_LABEL: Record<StaffRefusal['limit'], string> = {
  counterPurchaseMaxFen: '单笔消费上限',
  counterDailyPerMemberMaxFen: '会员每日累计上限',
  clerkRefundMaxFen: '单笔退款上限',
  clerkRefundMaxAgeDays: '退款期限',
};

const money = (fen: number | null) => <span className="num">{formatFen(fen)}</span>;
const refusalValue = (r: StaffRefusal, value: number) =>
  r.limit === 'clerkRefundMaxAgeDays' ? `${value} 天` : formatFen(value);

/** 异常监控: each staff account's counter purchases and refunds against its merchant's usual. */
export default function AnomaliesPage() {
  const session = useSession();
  const [month, setMonth] = useState<Dayjs>(() => dayjs().startOf('month'));
  const [merchantId, setMerchantId] = useState<string | undefined>();
  const from = month.format('YYYY-MM-DD');
  const to = month.add(1, 'month').format('YYYY-MM-DD');
  const report = useLoad(() => api.staffActivity(from, to, merchantId), [from, to, merchantId]);
  const merchants = useLoad(
    () => (session.role === 'alliance_admin' ? api.adminMerchants() : Promise.resolve([])),
    [session.role],
  );
  const rows = report.data?.rows ?? [];

  return (
    <>
      <Card
        size="small"
        style={{ marginBottom: 16 }}
        title={
          <Space size="middle">
            <span>员工操作异常监控</span>
            <DatePicker
              picker="month"
              allowClear={false}
              value={month}
              onChange={(m) => m && setMonth(m.startOf('month'))}
              disabledDate={(d) => d.isAfter(dayjs(), 'month')}
            />
            {session.role === 'alliance_admin' && (
              <Select
                allowClear
                placeholder="全部商户"
                style={{ width: 180 }}
                value={merchantId}
                onChange={setMerchantId}
                options={(merchants.data ?? []).map((m) => ({ value: m.id, label: m.name }))}
              />
            )}
          </Space>
        }
        extra={
          <Button icon={<ReloadOutlined />} onClick={report.reload}>
            刷新
          </Button>
        }
      >
        <Typography.Paragraph type="secondary" style={{ marginBottom: 12 }}>
          每位员工的柜台消费与退款，和本店其他员工的中位数相比；标红的需要留意（北京时间自然月）。
        </Typography.Paragraph>
        <Table<StaffActivityRow>
          rowKey={(r) => `${r.staffId}:${r.merchantId}`}
          size="small"
          bordered
          loading={report.loading}
          dataSource={rows}
          pagination={false}
          scroll={{ x: 1400 }}
          onRow={(r) => ({ style: r.flagged ? { background: '#fff1f0' } : undefined })}
          locale={{ emptyText: '本月没有柜台消费或退款' }}
          columns={[
            {
              title: '员工',
              dataIndex: 'username',
              fixed: 'left',
              width: 220,
              render: (_, r) => (
                <Space size={6}>
                  {r.flagged && <WarningFilled style={{ color: '#cf1322' }} />}
                  {r.username ?? `员工 ${r.staffId}`}
                  <Tag>{r.role === 'merchant_admin' ? '管理员' : '店员'}</Tag>
                </Space>
              ),
            },
            ...(session.role === 'alliance_admin'
              ? [
                  {
                    title: '商户',
                    dataIndex: 'merchantName',
                    width: 120,
                    render: (n: string | null) => n ?? '—',
                  },
                ]
              : []),
            {
              title: '柜台消费',
              children: [
                { title: '笔数', dataIndex: 'purchases', align: 'right' },
                { title: '合计', dataIndex: 'purchasesFen', align: 'right', render: money },
                { title: '最大一笔', dataIndex: 'largestPurchaseFen', align: 'right', render: money },
                { title: '会员数', dataIndex: 'members', align: 'right' },
                { title: '同店中位数', dataIndex: 'usualPurchasesFen', align: 'right', render: money },
                {
                  title: '倍数',
                  dataIndex: 'purchasesRatioPermille',
                  align: 'right',
                  render: (p: number | null) => (p === null ? '—' : `${(p / 1000).toFixed(1)}×`),
                },
              ],
            },
            {
              title: '退款',
              children: [
                { title: '笔数', dataIndex: 'refunds', align: 'right' },
                { title: '合计', dataIndex: 'refundsFen', align: 'right', render: money },
              ],
            },
            { title: '被拦截', dataIndex: 'refusals', align: 'right' },
            {
              title: '提示',
              dataIndex: 'flags',
              width: 240,
              fixed: 'right',
              render: (flags: StaffActivityFlag[]) =>
                flags.map((f) => (
                  <Tooltip key={f} title={FLAGS[f].tip}>
                    <Tag color="red">{FLAGS[f].label}</Tag>
                  </Tooltip>
                )),
            },
          ]}
        />
      </Card>
      <Card size="small" title="被限额拦截的操作">
        <Table<StaffRefusal>
          rowKey="id"
          size="small"
          loading={report.loading}
          dataSource={report.data?.refusals ?? []}
          pagination={{ pageSize: 20, hideOnSinglePage: true }}
          locale={{ emptyText: '本月没有被拦截的操作' }}
          columns={[
            { title: '时间', dataIndex: 'createdAt', render: (t: string) => dayjs(t).format('MM-DD HH:mm') },
            {
              title: '员工',
              dataIndex: 'username',
              render: (u: string | null, r) => u ?? `员工 ${r.staffId}`,
            },
            {
              title: '操作',
              dataIndex: 'action',
              render: (a: StaffRefusal['action']) => (a === 'refund' ? '退款' : '柜台消费'),
            },
            { title: '超过', dataIndex: 'limit', render: (l: StaffRefusal['limit']) => LIMIT_LABEL[l] },
            {
              title: '申请',
              dataIndex: 'value',
              align: 'right',
              render: (v: number, r) => refusalValue(r, v),
            },
            {
              title: '上限',
              dataIndex: 'limitValue',
              align: 'right',
              render: (v: number, r) => refusalValue(r, v),
            },
            { title: '订单', dataIndex: 'orderId', render: (id: string | null) => id ?? '—' },
          ]}
        />
      </Card>
    </>
  );
}
