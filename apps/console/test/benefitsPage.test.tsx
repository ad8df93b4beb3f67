import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { ApiError, type BenefitSettings } from '@allycard/contracts';
import { DEFAULT_TIERS } from '@allycard/domain';
import { api } from '../src/api/admin';
import BenefitsPage from '../src/pages/benefits/BenefitsPage';
import { tierPreview } from '../src/pages/benefits/benefitPreview';

jest.mock('../src/api/admin', () => ({
  api: {
    benefits: jest.fn(),
    setBenefits: jest.fn(),
    templates: jest.fn(),
    tiers: jest.fn(),
    adminMerchants: jest.fn(),
    promotions: jest.fn(),
    createPromotion: jest.fn(),
    removePromotion: jest.fn(),
    spendGetRules: jest.fn(),
    spendGetKept: jest.fn(),
  },
}));
const mocked = api as unknown as Record<
  | 'benefits'
  | 'setBenefits'
  | 'templates'
  | 'tiers'
  | 'adminMerchants'
  | 'promotions'
  | 'createPromotion'
  | 'removePromotion'
  | 'spendGetRules'
  | 'spendGetKept',
  jest.Mock
>;
const NO_DISCOUNT = { discountPermille: null, discountFen: null, merchantIds: null };

jest.setTimeout(60_000);

const settings: BenefitSettings = {
  birthday: { couponTemplateId: null, points: 200 },
  memberDay: {
    weekday: 6,
    monthDay: null,
    pointsMultiplierPermille: 2000,
    minTierCode: null,
    ...NO_DISCOUNT,
  },
  tasks: { profilePoints: 50, phonePoints: 30 },
  maxMultiplierPermille: 5000,
};

beforeEach(() => {
  mocked.benefits.mockResolvedValue(settings);
  mocked.templates.mockResolvedValue([]);
  mocked.tiers.mockResolvedValue(DEFAULT_TIERS);
  mocked.adminMerchants.mockResolvedValue([{ id: '7', name: '老街咖啡' }]);
  mocked.promotions.mockResolvedValue([]);
  mocked.spendGetRules.mockResolvedValue([]);
  mocked.spendGetKept.mockResolvedValue([]);
});

const promotion = {
  id: '5',
  name: '双十二三倍积分',
  multiplierPermille: 3000,
  startsAt: '2026-12-11T16:00:00.000Z',
  endsAt: '2026-12-12T16:00:00.000Z',
  merchantIds: ['7'],
  sponsorMerchantId: '7',
  state: 'active' as const,
};

const previewRows = () =>
  within(screen.getByTestId('tier-preview'))
    .getAllByRole('row')
    .slice(1)
    .map((row) =>
      within(row)
        .getAllByRole('cell')
        .map((c) => c.textContent),
    );

describe('tierPreview', () => {
  it('earns ¥100 at each tier with and without the member day, from packages/domain’s rule, capped', () => {
    const rows = tierPreview(DEFAULT_TIERS, {
      weekday: 6,
      monthDay: null,
      pointsMultiplierPermille: 3000,
      minTierCode: 'silver',
      ...NO_DISCOUNT,
    });
    expect(rows.map((r) => [r.name, r.discountText, r.ordinaryPoints, r.memberDayPoints, r.capped])).toEqual([
      ['普通会员', '原价', 100, null, false],
      ['银卡', '9.8折', 120, 360, false],
      ['金卡', '9.5折', 150, 450, false],
      ['黑钻', '9折', 200, 500, true],
    ]);
  });
});

describe('会员权益 page', () => {
  it('previews what each tier gets, and saves the settings', async () => {
    mocked.setBenefits.mockImplementation(async () => settings);
    render(<BenefitsPage />);
    await waitFor(() => expect(previewRows()).toHaveLength(4));
    expect(previewRows()[2]).toEqual(['金卡', '9.5折', '150', '300']);
    expect(screen.getByText(/每周六为会员日：等级倍数 × 会员日倍数，叠加后最多 5 倍/)).toBeTruthy();
    fireEvent.click(screen.getByText('保 存'));
    await waitFor(() => expect(mocked.setBenefits).toHaveBeenCalled());
    expect(mocked.setBenefits).toHaveBeenCalledWith({
      birthday: { points: 200 },
      memberDay: { weekday: 6, pointsMultiplierPermille: 2000 },
      tasks: { profilePoints: 50, phonePoints: 30 },
    });
  });

  it('refuses a member day of the 31st and a multiplier over 5× before sending', async () => {
    mocked.benefits.mockResolvedValue({
      ...settings,
      memberDay: {
        weekday: null,
        monthDay: 18,
        pointsMultiplierPermille: 2000,
        minTierCode: null,
        ...NO_DISCOUNT,
      },
    });
    render(<BenefitsPage />);
    const day = (await screen.findByDisplayValue('18')) as HTMLInputElement;
    fireEvent.change(day, { target: { value: '31' } });
    fireEvent.change(
      within(document.querySelector('form#benefits') as HTMLElement).getByDisplayValue('2.00'),
      { target: { value: '9' } },
    );
    fireEvent.click(screen.getByText('保 存'));
    expect(await screen.findByText('每月的会员日须在 1–28 号之间，这样每个月都有')).toBeTruthy();
    expect(screen.getByText('积分倍数须在 1–5 倍之间（与等级倍数相乘后最多 5 倍）')).toBeTruthy();
    expect(mocked.setBenefits).not.toHaveBeenCalled();
  });

  it('keeps the member day’s discount and merchants, and refuses a discount below 5 折 before sending', async () => {
    const discounted = {
      ...settings,
      memberDay: { ...settings.memberDay!, discountPermille: 100, merchantIds: ['7'] },
    };
    mocked.benefits.mockResolvedValue(discounted);
    mocked.setBenefits.mockImplementation(async () => discounted);
    render(<BenefitsPage />);
    const zhe = (await screen.findByDisplayValue('9.00')) as HTMLInputElement;
    expect(screen.getByText('老街咖啡')).toBeTruthy();
    fireEvent.click(screen.getByText('保 存'));
    await waitFor(() => expect(mocked.setBenefits).toHaveBeenCalled());
    expect(mocked.setBenefits.mock.calls[0][0].memberDay).toEqual({
      weekday: 6,
      pointsMultiplierPermille: 2000,
      discountPermille: 100,
      merchantIds: ['7'],
    });
    mocked.setBenefits.mockClear();
    fireEvent.change(zhe, { target: { value: '3' } });
    fireEvent.click(screen.getByText('保 存'));
    expect(await screen.findByText('会员日折扣须在 5–9.99 折之间')).toBeTruthy();
    expect(mocked.setBenefits).not.toHaveBeenCalled();
  });

  it('lists promotions with window, merchants and sponsor, previews each tier during one, and adds one after checking the window', async () => {
    mocked.promotions.mockResolvedValue([promotion]);
    mocked.createPromotion.mockResolvedValue({ ...promotion, id: '6' });
    const { container } = render(<BenefitsPage />);
    await waitFor(() => expect(previewRows()).toHaveLength(4));
    const listed = within(screen.getByTestId('promotions')).getAllByRole('row')[1];
    expect(
      within(listed)
        .getAllByRole('cell')
        .map((c) => c.textContent),
    ).toEqual([
      '双十二三倍积分',
      '3 倍',
      '2026-12-12 00:00 – 2026-12-13 00:00',
      '老街咖啡',
      '老街咖啡',
      '进行中',
      '删 除',
    ]);
    // the gold tier (1.5×) during a 3× promotion: 4.5× → 450; the diamond tier (2×) is capped at 5×
    await waitFor(() => expect(previewRows()[2]).toEqual(['金卡', '9.5折', '150', '300', '450']));
    expect(previewRows()[3]).toEqual(['黑钻', '9折', '200', '400', '500（已达上限）']);

    const form = container.querySelector('form#promotion') as HTMLElement;
    fireEvent.change(within(form).getByPlaceholderText('如：双十二双倍积分'), {
      target: { value: '周末双倍' },
    });
    fireEvent.change(within(form).getByPlaceholderText('2026-12-12 00:00'), {
      target: { value: '2026-12-19 00:00' },
    });
    fireEvent.change(within(form).getByPlaceholderText('2026-12-13 00:00'), {
      target: { value: '2026-12-18 00:00' },
    });
    fireEvent.click(screen.getByText('添加积分活动'));
    expect(await screen.findByText('积分活动的结束时间须晚于开始时间')).toBeTruthy();
    expect(mocked.createPromotion).not.toHaveBeenCalled();
    fireEvent.change(within(form).getByPlaceholderText('2026-12-13 00:00'), {
      target: { value: '2026-12-21 00:00' },
    });
    fireEvent.click(screen.getByText('添加积分活动'));
    await waitFor(() => expect(mocked.createPromotion).toHaveBeenCalled());
    expect(mocked.createPromotion).toHaveBeenCalledWith({
      name: '周末双倍',
      multiplierPermille: 2000,
      startsAt: '2026-12-19T00:00:00+08:00',
      endsAt: '2026-12-21T00:00:00+08:00',
      merchantIds: null,
      sponsorMerchantId: null,
    });
  });

  it('shows the server’s refusal of another alliance’s template on its field', async () => {
    mocked.templates.mockResolvedValue([]);
    mocked.setBenefits.mockRejectedValue(
      new ApiError(404, 'NOT_FOUND', '生日礼的券模板不存在（须是本联盟的券）', [
        { field: 'birthday.couponTemplateId', message: 'no such template in this alliance' },
      ]),
    );
    render(<BenefitsPage />);
    await waitFor(() => expect(previewRows()).toHaveLength(4));
    fireEvent.click(screen.getByText('保 存'));
    await waitFor(() => expect(mocked.setBenefits).toHaveBeenCalled());
    expect(await screen.findAllByText(/生日礼的券模板不存在|no such template/)).not.toHaveLength(0);
  });
});
