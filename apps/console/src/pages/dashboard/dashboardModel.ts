import type { AcquisitionRow, ReportsOverview } from '@allycard/contracts';
import { addBusinessDays, businessDate } from '@allycard/domain';
import { formatFen } from '../../lib/money';

/** A report period of business days (Asia/Shanghai): `from` inclusive, `to` exclusive. */
export interface Period {
  from: string;
  to: string;
}

export const PRESET_DAYS = [7, 30, 90] as const;

/** The `days` business days ending today (in Shanghai, whatever the browser's zone). */
export function lastDays(days: number, now = new Date()): Period {
  const to = addBusinessDays(businessDate(now), 1);
  return { from: addBusinessDays(to, -days), to };
}

export function periodDays(p: Period): number {
  return Math.round((Date.parse(`${p.to}T00:00:00Z`) - Date.parse(`${p.from}T00:00:00Z`)) / 86_400_000);
}

/** The period of the same length just before: what the KPI cards compare with. */
export function previousPeriod(p: Period): Period {
  return { from: addBusinessDays(p.from, -periodDays(p)), to: p.from };
}

type Kind = 'count' | 'money' | 'permille';

export interface Kpi {
  key: string;
  label: string;
  value: string;
  /** "+12.5%" for counts and money, "+3.1 个百分点" for rates; null when there is nothing to compare */
  change: string | null;
  trend: 'up' | 'down' | 'flat' | null;
  hint: string;
}

const KPIS: { key: string; label: string; kind: Kind; read: (o: ReportsOverview) => number; hint: string }[] =
  [
    {
      key: 'totalMembers',
      label: '会员总数',
      kind: 'count',
      read: (o) => o.totalMembers,
      hint: '截至期末入会的会员',
    },
    { key: 'newMembers', label: '新增会员', kind: 'count', read: (o) => o.newMembers, hint: '期内入会' },
    {
      key: 'activeMembers',
      label: '活跃会员',
      kind: 'count',
      read: (o) => o.activeMembers,
      hint: '期内有消费的会员',
    },
    {
      key: 'activation',
      label: '会员活跃率',
      kind: 'permille',
      read: (o) => o.activationPermille,
      hint: '活跃会员 ÷ 会员总数',
    },
    { key: 'spend', label: '会员消费', kind: 'money', read: (o) => o.spendFen, hint: '实付减退款' },
    {
      key: 'purchases',
      label: '消费笔数',
      kind: 'count',
      read: (o) => o.purchases,
      hint: '已支付订单与柜台消费',
    },
    {
      key: 'averageTicket',
      label: '客单价',
      kind: 'money',
      read: (o) => o.averageTicketFen,
      hint: '消费 ÷ 笔数',
    },
    {
      key: 'repeat',
      label: '复购率',
      kind: 'permille',
      read: (o) => o.repeatPermille,
      hint: '期内消费 2 次及以上的活跃会员占比',
    },
    {
      key: 'secondShare',
      label: '二次消费贡献率',
      kind: 'permille',
      read: (o) => o.secondPurchaseSharePermille,
      hint: '非首次消费的金额占比',
    },
    {
      key: 'firstPurchase7d',
      label: '首单转化率',
      kind: 'permille',
      read: (o) => o.firstPurchase7dPermille,
      hint: '新会员 7 天内完成首单的占比',
    },
    {
      key: 'couponUse',
      label: '券核销率',
      kind: 'permille',
      read: (o) => o.coupons.usedPermille,
      hint: '期内核销 ÷ 期内发放',
    },
    {
      key: 'liability',
      label: '积分负债',
      kind: 'money',
      read: (o) => o.pointsLiabilityFen,
      hint: '期末未用积分的价值',
    },
  ];

/** 272 ‰ → "27.2%". */
export const formatPermille = (permille: number) => `${(permille / 10).toFixed(1)}%`;

function format(kind: Kind, value: number): string {
  if (kind === 'money') return formatFen(value);
  if (kind === 'permille') return formatPermille(value);
  return value.toLocaleString('en-US');
}

function change(kind: Kind, now: number, before: number): Pick<Kpi, 'change' | 'trend'> {
  const trend = now > before ? 'up' : now < before ? 'down' : 'flat';
  const sign = now > before ? '+' : now < before ? '−' : '';
  if (kind === 'permille')
    return { change: `${sign}${(Math.abs(now - before) / 10).toFixed(1)} 个百分点`, trend };
  if (before === 0) return now === 0 ? { change: '持平', trend: 'flat' } : { change: '新增', trend: 'up' };
  return { change: `${sign}${((Math.abs(now - before) * 100) / before).toFixed(1)}%`, trend };
}

/** The KPI cards: each figure and how it moved against the previous period of the same length. */
export function kpis(now: ReportsOverview, before: ReportsOverview | undefined): Kpi[] {
  return KPIS.map(({ key, label, kind, read, hint }) => ({
    key,
    label,
    hint,
    value: format(kind, read(now)),
    ...(before ? change(kind, read(now), read(before)) : { change: null, trend: null }),
  }));
}

/** Nothing happened and nobody is a member: the page shows an empty state instead of flat charts. */
export const isEmpty = (o: ReportsOverview) => o.totalMembers === 0 && o.purchases === 0;

/** The funnel's steps summed over the rows (of one merchant, when one is chosen). */
export function funnel(rows: AcquisitionRow[], merchantId?: string) {
  const mine = merchantId ? rows.filter((r) => r.merchantId === merchantId) : rows;
  const sum = (key: 'scans' | 'joins' | 'firstPurchases' | 'repeaters') =>
    mine.reduce((s, r) => s + r[key], 0);
  return [
    { name: '扫码', value: sum('scans') },
    { name: '入会', value: sum('joins') },
    { name: '首次消费', value: sum('firstPurchases') },
    { name: '复购', value: sum('repeaters') },
  ];
}

/** Members by the end of each day: the total at the end less those who joined after that day. */
export function growth(o: ReportsOverview): number[] {
  const totals: number[] = [];
  let total = o.totalMembers;
  for (let i = o.series.length - 1; i >= 0; i--) {
    totals[i] = total;
    total -= o.series[i].newMembers;
  }
  return totals;
}

/** "30（50.0%）": a step's count and its share of the step before; the first step has no share. */
export function stepLabel(steps: { value: number }[], index: number): string {
  const value = steps[index].value;
  const before = index > 0 ? steps[index - 1].value : 0;
  return index > 0 && before > 0 ? `${value}（${((value * 100) / before).toFixed(1)}%）` : String(value);
}
