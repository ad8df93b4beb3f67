import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import type { CampaignReport } from '@allycard/contracts';
import dayjs from 'dayjs';
import { api } from '../src/api/admin';
import { campaignsApi } from '../src/api/campaigns';
import { campaignBodyOf } from '../src/pages/campaigns/CampaignsPage';
import { liftPermille, ratePermille, segmentFilterOf } from '../src/pages/campaigns/campaignText';
import SegmentsPage from '../src/pages/campaigns/SegmentsPage';

jest.mock('../src/api/campaigns', () => ({
  campaignsApi: {
    lifecycleCounts: jest.fn(),
    segments: jest.fn(),
    previewSegment: jest.fn(),
    createSegment: jest.fn(),
  },
}));
jest.mock('../src/api/admin', () => ({ api: { merchants: jest.fn(), tiers: jest.fn() } }));
jest.mock('../src/auth', () => ({
  useAuth: () => ({ session: { role: 'alliance_admin', merchantId: null } }),
}));
const mocked = campaignsApi as unknown as Record<string, jest.Mock>;

jest.setTimeout(30_000);

describe('segment filter from the builder form', () => {
  it('leaves out what is not chosen, turns yuan into fen and days into business dates', () => {
    expect(segmentFilterOf({})).toEqual({});
    expect(segmentFilterOf({ lifecycle: [], tierCodes: [], minSpendYuan: '', birthdayMonth: null })).toEqual(
      {},
    );
    expect(
      segmentFilterOf({
        lifecycle: ['dormant', 'lost'],
        boughtAtMerchantIds: ['3'],
        minSpendYuan: '12.30',
        lastPurchaseBefore: dayjs('2026-10-01'),
        birthdayMonth: 3,
        pointsExpiringWithinDays: 30,
      }),
    ).toEqual({
      lifecycle: ['dormant', 'lost'],
      boughtAtMerchantIds: ['3'],
      minSpendFen: 1230,
      lastPurchaseBefore: '2026-10-01',
      birthdayMonth: 3,
      pointsExpiringWithinDays: 30,
    });
    expect(segmentFilterOf({ minSpendYuan: 0 })).toEqual({ minSpendFen: 0 });
  });
});

describe('campaign body and report figures', () => {
  const base = { name: '唤醒', segmentId: '5', holdoutPercent: 20, withMessage: false } as const;
  it('builds coupon and points actions, the holdout in per mille, and the optional message', () => {
    expect(campaignBodyOf({ ...base, actionType: 'coupon', templateId: '9' })).toEqual({
      name: '唤醒',
      segmentId: '5',
      action: { type: 'coupon', templateId: '9' },
      holdoutPermille: 200,
    });
    expect(
      campaignBodyOf({ ...base, actionType: 'points', points: 50, fundedBy: 'alliance' }).action,
    ).toEqual({
      type: 'points',
      points: 50,
      fundedBy: { type: 'alliance' },
    });
    const offerTemplate = {
      kind: 'campaign_offer' as const,
      templateId: 'tpl',
      page: 'coupon/mine/index',
      fields: { thing1: 'campaignName', thing2: 'couponTitle', thing3: 'tip' },
    };
    const byMerchant = campaignBodyOf(
      {
        ...base,
        holdoutPercent: 2.5,
        actionType: 'points',
        points: 50,
        fundedBy: '3',
        withMessage: true,
        messagePage: 'coupon/mine/index',
        messageText: '你有一张礼券',
      },
      { offerTemplate, giftTitle: '50 积分' },
    );
    expect(byMerchant).toMatchObject({
      holdoutPermille: 25,
      action: { fundedBy: { type: 'merchant', merchantId: '3' } },
      // every keyword of the alliance's 营销活动 template, filled by its field mapping
      message: {
        templateId: 'tpl',
        page: 'coupon/mine/index',
        data: { thing1: { value: '唤醒' }, thing2: { value: '50 积分' }, thing3: { value: '你有一张礼券' } },
      },
    });
    // without the alliance's template there is no message to send
    expect(
      campaignBodyOf({ ...base, actionType: 'coupon', templateId: '9', withMessage: true, messageText: 'x' }),
    ).not.toHaveProperty('message');
  });

  it('computes rates floored in per mille and the lift against the holdout', () => {
    const report: CampaignReport = {
      targeted: 8,
      holdout: 2,
      issued: 8,
      messaged: 0,
      converted: 3,
      holdoutConverted: 1,
      spendFen: 6700,
      holdoutSpendFen: 1500,
      costFen: 1500,
    };
    expect(ratePermille(3, 8)).toBe(375);
    expect(ratePermille(1, 3)).toBe(333);
    expect(ratePermille(0, 0)).toBe(0);
    expect(liftPermille(report)).toBe(375 - 500);
    expect(liftPermille({ ...report, holdout: 0, holdoutConverted: 0 })).toBeNull();
  });
});

describe('会员分群 page', () => {
  beforeEach(() => {
    (api.merchants as jest.Mock).mockResolvedValue([{ id: '3', name: '街角咖啡' }]);
    (api.tiers as jest.Mock).mockResolvedValue([{ code: 'base', name: '普通会员' }]);
    mocked.lifecycleCounts.mockResolvedValue({
      counts: { never_bought: 4, new: 1, active: 2, dormant: 7, lost: 3 },
    });
    mocked.segments.mockResolvedValue([]);
    mocked.previewSegment.mockImplementation(async (filter: { lifecycle?: string[] }) => ({
      count: filter.lifecycle ? 7 : 17,
    }));
  });

  it('shows the lifecycle counts, recounts live as the filter changes, and saves the segment', async () => {
    render(<SegmentsPage />);
    expect(await screen.findByText('沉睡')).toBeTruthy();
    await waitFor(() => expect(screen.getByTestId('segment-count').textContent).toBe('符合条件 17 人'));
    expect(mocked.previewSegment).toHaveBeenLastCalledWith({});

    fireEvent.click(screen.getByText('沉睡').closest('button')!);
    await waitFor(() => expect(screen.getByTestId('segment-count').textContent).toBe('符合条件 7 人'));
    expect(mocked.previewSegment).toHaveBeenLastCalledWith({ lifecycle: ['dormant'] });

    mocked.createSegment.mockResolvedValue({
      id: '1',
      name: '沉睡会员',
      filter: { lifecycle: ['dormant'] },
      count: 7,
      merchantId: null,
      createdAt: '2026-12-07T00:00:00.000Z',
    });
    fireEvent.change(screen.getByPlaceholderText('分群名称，如：沉睡会员'), {
      target: { value: '沉睡会员' },
    });
    fireEvent.click(screen.getByText('保存分群'));
    await waitFor(() =>
      expect(mocked.createSegment).toHaveBeenCalledWith('沉睡会员', { lifecycle: ['dormant'] }),
    );
    const table = (await screen.findByText('已保存的分群')).closest('.ant-card') as HTMLElement;
    await waitFor(() => expect(within(table).getByText('沉睡会员')).toBeTruthy());
    expect(within(table).getByText('沉睡')).toBeTruthy();
  });

  it('does not save without a name', async () => {
    render(<SegmentsPage />);
    await screen.findByText('沉睡');
    fireEvent.click(screen.getByText('保存分群'));
    expect(await screen.findByText('请填写分群名称')).toBeTruthy();
    expect(mocked.createSegment).not.toHaveBeenCalled();
  });
});
