import {
  CheckCircleOutlined,
  CloseCircleOutlined,
  DownloadOutlined,
  ReloadOutlined,
} from '@ant-design/icons';
import { Button, Card, DatePicker, Space, Table, Tag, Tooltip, Typography } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useState } from 'react';
import { api } from '../../api/admin';
import type { SettlementParty, SettlementRow } from '@allycard/contracts';
import { addBusinessDays } from '@allycard/domain';
import { useSession } from '../../auth';
import { showError } from '../../lib/feedback';
import { formatFen } from '../../lib/money';
import { useLoad } from '../../lib/useLoad';
import { saveCsv } from '../../lib/download';

const PARTY: Record<SettlementParty, { label: string; color: string }> = {
  merchant: { label: '商户', color: 'blue' },
  alliance: { label: '联盟', color: 'volcano' },
  breakage: { label: '沉淀', color: 'default' },
  members: { label: '会员', color: 'green' },
};

/** A month as the report's period: [first day, first day of the next month) in Asia/Shanghai dates. */
const period = (month: Dayjs) => ({
  from: month.startOf('month').format('YYYY-MM-DD'),
  to: month.startOf('month').add(1, 'month').format('YYYY-MM-DD'),
});

const money = (fen: number) => <span className={`num${fen < 0 ? ' negative' : ''}`}>{formatFen(fen)}</span>;
const points = (n: number) => (
  <span className={`num${n < 0 ? ' negative' : ''}`}>{n.toLocaleString('en-US')}</span>
);

type NumericKey = Exclude<keyof SettlementRow, 'party' | 'merchantId' | 'name'>;

export default function SettlementPage() {
  const session = useSession();
  const [month, setMonth] = useState<Dayjs>(() => dayjs().startOf('month'));
  const { from, to } = period(month);
  const report = useLoad(() => api.settlement(from, to), [from, to]);
  const [downloading, setDownloading] = useState(false);
  const rows = report.data?.rows ?? [];
  const sum = (key: NumericKey) => rows.reduce((s, r) => s + r[key], 0);

  const downloadCsv = async () => {
    setDownloading(true);
    try {
      // Through the API client, so the token, errors and an ended session work as everywhere else.
      saveCsv(await api.settlementCsv(from, to), `settlement-${month.format('YYYY-MM')}.csv`);
    } catch (error) {
      showError(error);
    } finally {
      setDownloading(false);
    }
  };

  const data = report.data;
  return (
    <Card
      size="small"
      title={
        <Space size="middle">
          <span>商户结算</span>
          <DatePicker
            picker="month"
            allowClear={false}
            value={month}
            onChange={(m) => m && setMonth(m.startOf('month'))}
            disabledDate={(d) => d.isAfter(dayjs(), 'month')}
          />
          {data &&
            (data.balanced ? (
              <Tooltip title="所有参与方的应收应付合计为零，积分收支平衡">
                <Tag color="success" icon={<CheckCircleOutlined />} data-testid="balanced">
                  平衡
                </Tag>
              </Tooltip>
            ) : (
              <Tag color="error" icon={<CloseCircleOutlined />} data-testid="balanced">
                不平衡
              </Tag>
            ))}
        </Space>
      }
      extra={
        <Space>
          <Button icon={<ReloadOutlined />} onClick={report.reload}>
            刷新
          </Button>
          <Button icon={<DownloadOutlined />} loading={downloading} onClick={downloadCsv}>
            下载 CSV
          </Button>
        </Space>
      }
    >
      <Typography.Paragraph type="secondary" style={{ marginBottom: 12 }}>
        期间 {from} 至 {addBusinessDays(to, -1)}（北京时间）· 1 积分 ={' '}
        {data ? formatFen(data.pointValueFen) : '—'} · 正数为应收，负数为应付
        {session.role === 'merchant_admin' ? ' · 仅显示本商户' : ' · 各方合计为零'}
      </Typography.Paragraph>
      <Table<SettlementRow>
        rowKey={(r) => `${r.party}:${r.merchantId ?? ''}`}
        size="small"
        bordered
        loading={report.loading}
        dataSource={rows}
        pagination={false}
        scroll={{ x: 1400 }}
        columns={[
          {
            title: '参与方',
            dataIndex: 'name',
            fixed: 'left',
            width: 220,
            render: (_, r) => (
              <Space size={6}>
                <Tag color={PARTY[r.party].color}>{PARTY[r.party].label}</Tag>
                {r.name}
              </Space>
            ),
          },
          {
            title: '积分',
            children: [
              { title: '发放', dataIndex: 'pointsFunded', align: 'right', render: points },
              { title: '核销', dataIndex: 'pointsRedeemed', align: 'right', render: points },
              { title: '净额', dataIndex: 'pointsNet', align: 'right', render: points },
              { title: '折合金额', dataIndex: 'pointsNetFen', align: 'right', render: money },
            ],
          },
          {
            title: '优惠券',
            children: [
              {
                title: <Tooltip title="本店核销的他方发行券的优惠金额（应收）">他方券在本店核销</Tooltip>,
                dataIndex: 'couponsRedeemedHereFen',
                align: 'right',
                render: money,
              },
              {
                title: <Tooltip title="本方发行的券在其他商户核销的优惠金额（应付）">承担券成本</Tooltip>,
                dataIndex: 'couponsBorneFen',
                align: 'right',
                render: money,
              },
            ],
          },
          {
            title: '会员等级折扣',
            children: [
              {
                title: <Tooltip title="本店给会员的等级折扣，无论由谁承担">本店给出</Tooltip>,
                dataIndex: 'tierDiscountsGivenFen',
                align: 'right',
                render: money,
              },
              {
                title: <Tooltip title="本店给出、由联盟承担的等级折扣（应收）">他方承担</Tooltip>,
                dataIndex: 'tierDiscountsReceivableFen',
                align: 'right',
                render: money,
              },
              {
                title: <Tooltip title="本方为其他商户承担的等级折扣（应付）">承担折扣</Tooltip>,
                dataIndex: 'tierDiscountsBorneFen',
                align: 'right',
                render: money,
              },
            ],
          },
          {
            title: '应收 / 应付',
            dataIndex: 'netFen',
            align: 'right',
            fixed: 'right',
            width: 140,
            render: (fen: number) => <strong>{money(fen)}</strong>,
          },
        ]}
        summary={() =>
          rows.length ? (
            <Table.Summary fixed>
              <Table.Summary.Row style={{ background: '#fafafa' }}>
                <Table.Summary.Cell index={0}>
                  <strong>合计</strong>
                </Table.Summary.Cell>
                <Table.Summary.Cell index={1} align="right">
                  {points(sum('pointsFunded'))}
                </Table.Summary.Cell>
                <Table.Summary.Cell index={2} align="right">
                  {points(sum('pointsRedeemed'))}
                </Table.Summary.Cell>
                <Table.Summary.Cell index={3} align="right">
                  {points(sum('pointsNet'))}
                </Table.Summary.Cell>
                <Table.Summary.Cell index={4} align="right">
                  {money(sum('pointsNetFen'))}
                </Table.Summary.Cell>
                <Table.Summary.Cell index={5} align="right">
                  {money(sum('couponsRedeemedHereFen'))}
                </Table.Summary.Cell>
                <Table.Summary.Cell index={6} align="right">
                  {money(sum('couponsBorneFen'))}
                </Table.Summary.Cell>
                <Table.Summary.Cell index={7} align="right">
                  {money(sum('tierDiscountsGivenFen'))}
                </Table.Summary.Cell>
                <Table.Summary.Cell index={8} align="right">
                  {money(sum('tierDiscountsReceivableFen'))}
                </Table.Summary.Cell>
                <Table.Summary.Cell index={9} align="right">
                  {money(sum('tierDiscountsBorneFen'))}
                </Table.Summary.Cell>
                <Table.Summary.Cell index={10} align="right">
                  <strong data-testid="total-net">{money(data?.totalNetFen ?? 0)}</strong>
                </Table.Summary.Cell>
              </Table.Summary.Row>
            </Table.Summary>
          ) : null
        }
      />
    </Card>
  );
}
