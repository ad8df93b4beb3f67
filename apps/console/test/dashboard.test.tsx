import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { ApiError, type ReportsAcquisition, type ReportsOverview } from '@allycard/contracts';
import { addBusinessDays, businessDate } from '@allycard/domain';
import { api } from '../src/api/admin';
import { reportsApi } from '../src/api/reports';
import { useSession } from '../src/auth';
import DashboardPage from '../src/pages/dashboard/DashboardPage';
import {
  funnel,
  growth,
  kpis,
  lastDays,
  previousPeriod,
  stepLabel,
} from '../src/pages/dashboard/dashboardModel';

jest.mock('../src/api/reports', () => ({
  reportsApi: { overview: jest.fn(), overviewCsv: jest.fn(), acquisition: jest.fn() },
}));
jest.mock('../src/api/admin', () => ({ api: { merchants: jest.fn(), tiers: jest.fn() } }));
jest.mock('../src/auth', () => ({ useSession: jest.fn() }));
const overview = reportsApi.overview as jest.Mock;
const acquisition = reportsApi.acquisition as jest.Mock;

// antd and ECharts in jsdom are slow: a page with a dozen cards and five charts takes many seconds
jest.setTimeout(60_000);

const day = (date: string, newMembers: number, activeMembers: number, spendFen: number) => ({
  date,
  newMembers,
  activeMembers,
  spendFen,
});

function report(over: Partial<ReportsOverview> = {}): ReportsOverview {
  return {
    totalMembers: 1_000,
    newMembers: 120,
    activeMembers: 272,
    activationPermille: 272,
    purchases: 400,
    spendFen: 1_234_500,
    averageTicketFen: 3_086,
    repeatPermille: 321,
    secondPurchaseSharePermille: 321,
    firstPurchase7dPermille: 500,
    coupons: { issued: 200, used: 50, usedPermille: 250 },
    pointsLiabilityFen: 88_800,
    tiers: [
      { code: 'normal', members: 900 },
      { code: 'gold', members: 100 },
    ],
    series: [day('2026-12-05', 20, 40, 100_000), day('2026-12-06', 100, 250, 1_134_500)],
    ...over,
  };
}
const rows: ReportsAcquisition = {
  rows: [
    {
      merchantId: '1',
      qrcodeId: '7',
      campaign: 'spring',
      channel: 'qrcode',
      scans: 50,
      joins: 20,
      firstPurchases: 8,
      repeaters: 3,
    },
    {
      merchantId: '2',
      qrcodeId: '8',
      campaign: null,
      channel: 'qrcode',
      scans: 10,
      joins: 4,
      firstPurchases: 1,
      repeaters: 0,
    },
    {
      merchantId: null,
      qrcodeId: null,
      campaign: null,
      channel: 'referral',
      scans: 0,
      joins: 6,
      firstPurchases: 2,
      repeaters: 1,
    },
  ],
};

beforeEach(() => {
  (api.merchants as jest.Mock).mockResolvedValue([
    { id: '1', name: '街角咖啡' },
    { id: '2', name: '面包房' },
  ]);
  (api.tiers as jest.Mock).mockResolvedValue([
    { code: 'normal', name: '普通会员' },
    { code: 'gold', name: '金卡' },
  ]);
  acquisition.mockResolvedValue(rows);
  (useSession as jest.Mock).mockReturnValue({ role: 'alliance_admin', username: 'admin', merchantId: null });
});

describe('dashboard figures', () => {
  it('compares with the previous period of the same length', () => {
    const p = lastDays(7, new Date('2026-12-07T10:00:00Z'));
    expect(p).toEqual({ from: '2026-12-01', to: '2026-12-08' });
    expect(previousPeriod(p)).toEqual({ from: '2026-11-24', to: '2026-12-01' });
    // 23:30 UTC is already the next day in Shanghai
    expect(lastDays(30, new Date('2026-12-07T23:30:00Z')).to).toBe('2026-12-09');
    const cards = kpis(report(), report({ totalMembers: 800, activationPermille: 300, spendFen: 0 }));
    const card = (key: string) => cards.find((c) => c.key === key)!;
    expect(card('totalMembers')).toMatchObject({ value: '1,000', change: '+25.0%', trend: 'up' });
    expect(card('activation')).toMatchObject({ value: '27.2%', change: '−2.8 个百分点', trend: 'down' });
    expect(card('spend')).toMatchObject({ value: '¥12,345.00', change: '新增', trend: 'up' });
    expect(card('newMembers')).toMatchObject({ change: '0.0%', trend: 'flat' });
  });

  it('sums the funnel and rebuilds the running total of members', () => {
    expect(funnel(rows.rows).map((s) => s.value)).toEqual([60, 30, 11, 4]);
    expect(funnel(rows.rows, '2').map((s) => s.value)).toEqual([10, 4, 1, 0]);
    expect(growth(report())).toEqual([900, 1_000]);
    const steps = funnel(rows.rows);
    expect(steps.map((_, i) => stepLabel(steps, i))).toEqual([
      '60',
      '30（50.0%）',
      '11（36.7%）',
      '4（36.4%）',
    ]);
    expect(stepLabel([{ value: 0 }, { value: 3 }], 1)).toBe('3');
  });
});

describe('经营看板', () => {
  it('loads the period and the one before, shows the KPI cards and charts, and moves with the picker', async () => {
    overview.mockImplementation(async (q: { from: string }) =>
      q.from === lastDays(30).from ? report() : report({ totalMembers: 800 }),
    );
    render(<DashboardPage />);
    expect(screen.getByTestId('dashboard-loading')).toBeTruthy();
    const total = await screen.findByTestId('kpi-totalMembers');
    expect(within(total).getByText('1,000')).toBeTruthy();
    expect(within(total).getByText(/较上期 \+25\.0%/)).toBeTruthy();
    expect(within(screen.getByTestId('kpi-activation')).getByText('27.2%')).toBeTruthy();
    for (const chart of ['会员增长', '活跃会员', '会员消费', '等级分布', '拉新漏斗'])
      expect(screen.getByLabelText(chart).getAttribute('role')).toBe('img');
    const { from, to } = lastDays(30);
    expect(overview).toHaveBeenCalledWith({ from, to });
    expect(overview).toHaveBeenCalledWith(previousPeriod({ from, to }));
    expect(acquisition).toHaveBeenCalledWith({ from, to });

    fireEvent.click(screen.getByText('近 7 天'));
    await waitFor(() => expect(overview).toHaveBeenCalledWith(lastDays(7)));
    const today = businessDate(new Date());
    expect(lastDays(7)).toEqual({ from: addBusinessDays(today, -6), to: addBusinessDays(today, 1) });
  });

  it('shows an empty state when nobody joined or bought', async () => {
    overview.mockResolvedValue(report({ totalMembers: 0, purchases: 0, newMembers: 0 }));
    render(<DashboardPage />);
    expect(await screen.findByText(/还没有会员和消费数据/)).toBeTruthy();
    expect(screen.queryByTestId('kpi-totalMembers')).toBeNull();
  });

  it('shows the error with a retry that loads again', async () => {
    overview.mockRejectedValueOnce(new ApiError(500, 'SERVICE_UNAVAILABLE', '服务暂不可用'));
    overview.mockResolvedValue(report());
    render(<DashboardPage />);
    expect(await screen.findByText('报表加载失败')).toBeTruthy();
    let t0 = Date.now();
    const btn = screen.getByText(/^重\s*试$/);
    console.log('find btn', Date.now() - t0);
    t0 = Date.now();
    fireEvent.click(btn);
    console.log('click', Date.now() - t0);
    t0 = Date.now();
    expect(await screen.findByTestId('kpi-totalMembers')).toBeTruthy();
    console.log('kpi', Date.now() - t0);
  });

  it('offers the merchant filter to alliance admins only', () => {
    overview.mockReturnValue(new Promise(() => {}));
    const { unmount } = render(<DashboardPage />);
    expect(screen.getByText('全部商户')).toBeTruthy();
    unmount();
    (useSession as jest.Mock).mockReturnValue({ role: 'merchant_admin', username: 'boss', merchantId: '1' });
    render(<DashboardPage />);
    expect(screen.getByTestId('dashboard-loading')).toBeTruthy();
    expect(screen.queryByText('全部商户')).toBeNull();
  });
});
