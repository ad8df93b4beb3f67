import { ArrowDownOutlined, ArrowUpOutlined, DownloadOutlined, ReloadOutlined } from '@ant-design/icons';
import type { ReportsAcquisition, ReportsOverview } from '@allycard/contracts';
import {
  Button,
  Card,
  Col,
  DatePicker,
  Empty,
  Result,
  Row,
  Segmented,
  Select,
  Skeleton,
  Space,
  Statistic,
  Tooltip,
  Typography,
} from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useMemo, useState } from 'react';
import { reportsApi } from '../../api/reports';
import { useSession } from '../../auth';
import { saveCsv } from '../../lib/download';
import { showError } from '../../lib/feedback';
import { formatFen } from '../../lib/money';
import { useLoad, type Loaded as LoadState } from '../../lib/useLoad';
import { useDirectory } from '../members/useDirectory';
import { Chart } from './Chart';
import {
  funnel,
  stepLabel,
  growth,
  isEmpty,
  kpis,
  lastDays,
  PRESET_DAYS,
  previousPeriod,
  type Period,
} from './dashboardModel';

type Preset = (typeof PRESET_DAYS)[number] | 'custom';

interface Loaded {
  now: ReportsOverview;
  before: ReportsOverview;
  acquisition: ReportsAcquisition;
}

/** 经营看板: the overview's figures against the previous period, and its charts. */
export default function DashboardPage() {
  const session = useSession();
  const allianceAdmin = session.role === 'alliance_admin';
  const [preset, setPreset] = useState<Preset>(30);
  const [custom, setCustom] = useState<Period | null>(null);
  const [merchantId, setMerchantId] = useState<string | undefined>();
  const period = preset === 'custom' && custom ? custom : lastDays(preset === 'custom' ? 30 : preset);
  const directory = useDirectory();
  const report = useLoad<Loaded>(async () => {
    const query = { ...period, ...(merchantId && { merchantId }) };
    const [now, before, acquisition] = await Promise.all([
      reportsApi.overview(query),
      reportsApi.overview({ ...previousPeriod(period), ...(merchantId && { merchantId }) }),
      reportsApi.acquisition(period),
    ]);
    return { now, before, acquisition };
  }, [period.from, period.to, merchantId]);
  const [downloading, setDownloading] = useState(false);

  const downloadCsv = async () => {
    setDownloading(true);
    try {
      saveCsv(
        await reportsApi.overviewCsv({ ...period, ...(merchantId && { merchantId }) }),
        `overview-${period.from}-${period.to}.csv`,
      );
    } catch (error) {
      showError(error);
    } finally {
      setDownloading(false);
    }
  };

  const lastDay = dayjs(period.to).subtract(1, 'day');
  const toolbar = (
    <Space wrap>
      <Segmented<Preset>
        aria-label="统计周期"
        value={preset}
        onChange={(value) => setPreset(value)}
        options={[
          { label: '近 7 天', value: 7 },
          { label: '近 30 天', value: 30 },
          { label: '近 90 天', value: 90 },
          { label: '自定义', value: 'custom' },
        ]}
      />
      {preset === 'custom' && (
        <DatePicker.RangePicker
          aria-label="自定义周期"
          allowClear={false}
          value={[dayjs(period.from), lastDay]}
          disabledDate={(d: Dayjs) => d.isAfter(dayjs(), 'day')}
          onChange={(range) => {
            const [start, end] = range ?? [];
            if (start && end)
              setCustom({ from: start.format('YYYY-MM-DD'), to: end.add(1, 'day').format('YYYY-MM-DD') });
          }}
        />
      )}
      {allianceAdmin && (
        <Select
          aria-label="商户筛选"
          allowClear
          placeholder="全部商户"
          style={{ minWidth: 180 }}
          value={merchantId}
          onChange={(value?: string) => setMerchantId(value)}
          options={directory.merchants.map((m) => ({ value: m.id, label: m.name }))}
        />
      )}
      <Button icon={<ReloadOutlined />} onClick={() => void report.reload()}>
        刷新
      </Button>
      <Button icon={<DownloadOutlined />} loading={downloading} onClick={() => void downloadCsv()}>
        导出 CSV
      </Button>
    </Space>
  );

  return (
    <div className="page">
      <Space direction="vertical" size="large" style={{ width: '100%' }}>
        <Space wrap style={{ justifyContent: 'space-between', width: '100%' }}>
          <div>
            <Typography.Title level={4} style={{ margin: 0 }}>
              经营看板
            </Typography.Title>
            <Typography.Text type="secondary">
              {period.from} 至 {lastDay.format('YYYY-MM-DD')}（北京时间），对比前{' '}
              {dayjs(period.to).diff(period.from, 'day')} 天
            </Typography.Text>
          </div>
          {toolbar}
        </Space>
        <Body report={report} merchantId={merchantId} tierName={directory.names.tier} />
      </Space>
    </div>
  );
}

interface FigureOptions {
  merchantId?: string;
  tierName: (code: unknown) => string;
}

function Body({ report, ...options }: { report: LoadState<Loaded> } & FigureOptions) {
  if (report.loading && !report.data)
    return (
      <div data-testid="dashboard-loading">
        <Skeleton active paragraph={{ rows: 8 }} />
      </div>
    );
  if (report.failed || !report.data)
    return (
      <Result
        status="error"
        title="报表加载失败"
        subTitle="请检查网络后重试"
        extra={
          <Button type="primary" onClick={() => void report.reload()}>
            重试
          </Button>
        }
      />
    );
  const { now, before, acquisition } = report.data;
  if (isEmpty(now))
    return <Empty description="这段时间还没有会员和消费数据，换个周期或商户看看" style={{ padding: 48 }} />;
  return <Figures now={now} before={before} acquisition={acquisition} {...options} />;
}

function Figures({ now, before, acquisition, merchantId, tierName }: Loaded & FigureOptions) {
  const cards = useMemo(() => kpis(now, before), [now, before]);
  const dates = now.series.map((d) => d.date.slice(5));
  const line = (name: string, data: number[]) => ({
    tooltip: { trigger: 'axis' },
    grid: { left: 48, right: 16, top: 24, bottom: 32 },
    xAxis: { type: 'category', data: dates },
    yAxis: { type: 'value', minInterval: 1 },
    series: [{ name, type: 'line', smooth: true, data, areaStyle: { opacity: 0.08 } }],
  });
  const steps = funnel(acquisition.rows, merchantId);
  return (
    <Space direction="vertical" size="large" style={{ width: '100%' }}>
      <Row gutter={[16, 16]}>
        {cards.map((k) => (
          <Col key={k.key} xs={12} md={8} xl={6} xxl={4}>
            <Card size="small" data-testid={`kpi-${k.key}`}>
              <Tooltip title={k.hint}>
                <Statistic title={k.label} value={k.value} />
              </Tooltip>
              <Typography.Text
                type={k.trend === 'up' ? 'success' : k.trend === 'down' ? 'danger' : 'secondary'}
                style={{ fontSize: 12 }}
              >
                {k.trend === 'up' && <ArrowUpOutlined />}
                {k.trend === 'down' && <ArrowDownOutlined />} 较上期 {k.change}
              </Typography.Text>
            </Card>
          </Col>
        ))}
      </Row>
      <Row gutter={[16, 16]}>
        <Col xs={24} xl={12}>
          <Card size="small" title="会员增长">
            <Chart
              label="会员增长"
              option={{
                tooltip: { trigger: 'axis' },
                legend: { top: 0 },
                grid: { left: 48, right: 48, top: 32, bottom: 32 },
                xAxis: { type: 'category', data: dates },
                yAxis: [
                  { type: 'value', minInterval: 1 },
                  { type: 'value', minInterval: 1 },
                ],
                series: [
                  { name: '新增会员', type: 'bar', data: now.series.map((d) => d.newMembers) },
                  { name: '会员总数', type: 'line', yAxisIndex: 1, data: growth(now) },
                ],
              }}
            />
          </Card>
        </Col>
        <Col xs={24} xl={12}>
          <Card size="small" title="活跃会员">
            <Chart
              label="活跃会员"
              option={line(
                '活跃会员',
                now.series.map((d) => d.activeMembers),
              )}
            />
          </Card>
        </Col>
        <Col xs={24} xl={12}>
          <Card size="small" title="会员消费（元）">
            <Chart
              label="会员消费"
              option={{
                tooltip: { trigger: 'axis', valueFormatter: (v: number) => formatFen(Math.round(v * 100)) },
                grid: { left: 64, right: 16, top: 24, bottom: 32 },
                xAxis: { type: 'category', data: dates },
                yAxis: { type: 'value' },
                series: [{ name: '消费', type: 'bar', data: now.series.map((d) => d.spendFen / 100) }],
              }}
            />
          </Card>
        </Col>
        <Col xs={24} md={12} xl={6}>
          <Card size="small" title="等级分布">
            <Chart
              label="等级分布"
              option={{
                tooltip: { trigger: 'item' },
                legend: { bottom: 0 },
                series: [
                  {
                    type: 'pie',
                    radius: ['40%', '68%'],
                    label: { formatter: '{b} {c}' },
                    // empty tiers would crowd the ring with labels of 0
                    data: now.tiers
                      .filter((t) => t.members > 0)
                      .map((t) => ({ name: tierName(t.code), value: t.members })),
                  },
                ],
              }}
            />
          </Card>
        </Col>
        <Col xs={24} md={12} xl={6}>
          <Card size="small" title="拉新漏斗">
            <Chart
              label="拉新漏斗"
              option={{
                // bars rather than a cone: the steps need not shrink (members who joined without a code
                // have no scan), and each bar says what share of the step before it went on
                tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
                grid: { left: 72, right: 88, top: 8, bottom: 24 },
                xAxis: { type: 'value', minInterval: 1 },
                yAxis: { type: 'category', inverse: true, data: steps.map((s) => s.name) },
                series: [
                  {
                    type: 'bar',
                    data: steps.map((s) => s.value),
                    label: {
                      show: true,
                      position: 'right',
                      formatter: ({ dataIndex }: { dataIndex: number }) => stepLabel(steps, dataIndex),
                    },
                  },
                ],
              }}
            />
          </Card>
        </Col>
      </Row>
    </Space>
  );
}
