import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { DEFAULT_POINTS_POLICY, DEFAULT_TIERS, priceOrder, purchaseEarning } from '@allycard/domain';
import type { MemberBenefits, OrderRequest } from '@allycard/contracts';
import { getCurrentInstance, navigateTo, taroTest } from './__mocks__/taro';
import BenefitsPage from '../src/benefits/index/index';
import CardPage from '../src/pages/card/index';
import PayPage from '../src/pages/pay/index';
import { resetMerchantNames } from '../src/services/merchants';
import { merchants, mockServer, profile } from './helpers';

const tiers = DEFAULT_TIERS.slice(0, 3).map((t) => ({ ...t }));
const memberDay = {
  weekday: 6 as const,
  monthDay: null,
  pointsMultiplierPermille: 2000,
  minTierCode: null,
  discountPermille: null,
  discountFen: null,
  merchantIds: null,
};
const benefits: MemberBenefits = {
  tiers,
  tierCode: 'silver',
  spendFen: 120_000,
  birthday: { couponTemplateId: '9', points: 200, couponTitle: '生日蛋糕券', memberBirthday: '1990-12-12' },
  memberDay: { ...memberDay, forMe: true },
  tasks: [
    { code: 'profile', title: '完善资料（昵称和生日）', points: 50, done: true },
    { code: 'phone', title: '绑定手机号', points: 30, done: false },
  ],
  promotions: [],
  spendGet: [],
  maxMultiplierPermille: 5000,
  today: { birthday: false, memberDay: false, birthdayGift: null },
};
const codeAnswer = {
  status: 200,
  body: { code: '123400000000017', expiresAt: new Date(Date.now() + 60_000).toISOString() },
};

beforeEach(() => {
  resetMerchantNames();
  taroTest.storage.set('allycard.memberToken', 'member-token');
});

describe('会员权益', () => {
  it('shows the tier ladder with each tier’s discount and multiplier, the progress, member day, gift and tasks', async () => {
    mockServer({ 'GET /api/v1/benefits': { status: 200, body: benefits } });
    const { container } = render(<BenefitsPage />);
    expect(await screen.findByText('再消费 ¥1800.00 升级金卡')).toBeTruthy();
    const rows = [...container.querySelectorAll('.benefits__tier')].map((el) => el.textContent);
    expect(rows).toEqual([
      '普通会员入会即享买单原价 · 积分1 倍',
      '银卡当前近 12 个月消费满 ¥1000.00买单 9.8折 · 积分1.2 倍',
      '金卡近 12 个月消费满 ¥3000.00买单 9.5折 · 积分1.5 倍',
    ]);
    expect(container.querySelector('.benefits__tier--mine')?.textContent).toContain('银卡');
    expect(screen.getByText(/每周六消费，积分再双倍（与等级倍数相乘，最多 5 倍）/)).toBeTruthy();
    expect(screen.getByText(/生日当天送你 「生日蛋糕券」 \+ 200 积分/)).toBeTruthy();
    expect(screen.getByText('已完成 +50')).toBeTruthy();
    expect(screen.getByText('+30 积分')).toBeTruthy();
    expect(container.querySelector('.benefits__banner')).toBeNull();
  });

  it('lists the running points promotions, the spend-and-get offers and the member day’s discount', async () => {
    mockServer({
      'GET /api/v1/benefits': {
        status: 200,
        body: {
          ...benefits,
          memberDay: { ...memberDay, discountPermille: 100, merchantIds: ['3'], forMe: true },
          promotions: [
            {
              id: '5',
              name: '双十二双倍积分',
              multiplierPermille: 2000,
              startsAt: '2026-12-11T16:00:00.000Z',
              endsAt: '2026-12-12T16:00:00.000Z',
              merchantIds: null,
              sponsorMerchantId: '3',
              state: 'active',
            },
          ],
          spendGet: [
            { id: '8', merchantId: null, minPaidFen: 10_000, templateId: '9', couponTitle: '满百返五元' },
          ],
        },
      },
    });
    const { container } = render(<BenefitsPage />);
    expect(await screen.findByText('积分活动')).toBeTruthy();
    expect(container.querySelector('.benefits__promotion')?.textContent).toBe(
      '双十二双倍积分：全联盟商户消费积分双倍，至 2026-12-13 00:00',
    );
    expect(screen.getByText(/每周六消费，积分再双倍.*，买单再享 9 折（限指定商户）/)).toBeTruthy();
    expect(screen.getByText('全联盟商户单笔实付满 ¥100.00，返「满百返五元」')).toBeTruthy();
  });

  it('says so when the alliance has no member day or gift, and offers to fill in the birthday', async () => {
    mockServer({
      'GET /api/v1/benefits': {
        status: 200,
        body: {
          ...benefits,
          memberDay: null,
          birthday: { ...benefits.birthday!, memberBirthday: null },
          tasks: [],
        },
      },
    });
    render(<BenefitsPage />);
    expect(await screen.findByText('联盟暂未设置会员日')).toBeTruthy();
    expect(screen.getByText(/先去填写生日吧/)).toBeTruthy();
    expect(screen.queryByText('任务')).toBeNull();
  });

  it('shows the error state with the server’s message', async () => {
    mockServer({
      'GET /api/v1/benefits': {
        status: 503,
        body: { error: { code: 'SERVICE_UNAVAILABLE', message: '服务繁忙' } },
      },
    });
    render(<BenefitsPage />);
    expect(await screen.findByText('会员权益没打开')).toBeTruthy();
  });
});

describe('the card’s benefit banners', () => {
  it('shows 「今天会员日 积分双倍」 on the member day and opens 会员权益', async () => {
    mockServer({
      'GET /api/v1/me': { status: 200, body: profile },
      'GET /api/v1/me/member-code': codeAnswer,
      'GET /api/v1/benefits': {
        status: 200,
        body: { ...benefits, today: { ...benefits.today, memberDay: true } },
      },
    });
    render(<CardPage />);
    fireEvent.click(await screen.findByText('今天会员日 积分双倍'));
    expect(navigateTo).toHaveBeenCalledWith({ url: '/benefits/index/index' });
    expect(screen.queryByText('生日快乐')).toBeNull();
  });

  it('shows 「生日快乐」 with the gift on the birthday, no member-day banner for a tier it is not for', async () => {
    mockServer({
      'GET /api/v1/me': { status: 200, body: profile },
      'GET /api/v1/me/member-code': codeAnswer,
      'GET /api/v1/benefits': {
        status: 200,
        body: {
          ...benefits,
          memberDay: { ...memberDay, minTierCode: 'gold', forMe: false },
          today: { birthday: true, memberDay: true, birthdayGift: { couponId: 'c5', points: 200 } },
        },
      },
    });
    render(<CardPage />);
    expect(await screen.findByText('生日快乐')).toBeTruthy();
    expect(screen.getByText(/生日礼已送到：「生日蛋糕券」 \+ 200 积分/)).toBeTruthy();
    expect(screen.queryByText(/今天会员日/)).toBeNull();
  });

  it('shows the card without banners when the benefits cannot be read', async () => {
    mockServer({
      'GET /api/v1/me': { status: 200, body: profile },
      'GET /api/v1/me/member-code': codeAnswer,
    });
    const { container } = render(<CardPage />);
    await screen.findByText('1234 0000 0000 017');
    expect(container.querySelector('.card__benefit')).toBeNull();
    expect(screen.getByText('会员权益')).toBeTruthy();
  });
});

describe('付款 on the member day', () => {
  it('shows the doubled points before paying, from the same rule the server earns with', async () => {
    getCurrentInstance.mockReturnValue({ router: { params: { merchantId: '3' } } });
    const saturday = new Date('2026-12-12T10:00:00+08:00');
    const preview = (body: OrderRequest) => {
      const result = priceOrder({
        amountFen: body.amountFen,
        tierDiscountPermille: 1000,
        coupon: null,
        merchantId: body.merchantId,
        hasPurchased: true,
        pointsRequested: 0,
        pointsBalance: 0,
        pointValueFen: 1,
        now: saturday,
      });
      if (!result.ok) throw new Error('unexpected refusal');
      const earning = purchaseEarning(result.price.payableFen, DEFAULT_POINTS_POLICY, {
        tiers: [tiers[2]],
        tierCode: 'gold',
        merchantId: body.merchantId,
        at: saturday,
        memberDay,
        promotions: [],
      });
      return {
        status: 200,
        body: {
          merchantId: body.merchantId,
          ...result.price,
          pointsEarned: earning.points,
          earning: { multiplierPermille: earning.permille, memberDay: true, promotionIds: [], capped: false },
          couponId: null,
          pointsBalance: 0,
          pointValueFen: 1,
        },
      };
    };
    mockServer({
      'GET /api/v1/merchants': { status: 200, body: merchants },
      'GET /api/v1/me': { status: 200, body: { ...profile, points: 0 } },
      'GET /api/v1/tiers': { status: 200, body: tiers },
      'GET /api/v1/me/coupons?status=available': { status: 200, body: [] },
      'POST /api/v1/orders/preview': (req) => preview(req.body as OrderRequest),
    });
    const { container } = render(<PayPage />);
    await waitFor(() => expect(container.querySelector('.pay__amount-input input')).toBeTruthy());
    fireEvent.change(container.querySelector('.pay__amount-input input') as HTMLInputElement, {
      target: { value: '100' },
    });
    await waitFor(() =>
      expect(container.querySelector('.pay__earn')?.textContent).toContain('预计获得 300 积分'),
    );
    expect(container.querySelector('.pay__member-day')?.textContent).toBe('今天会员日 · 本单积分 3 倍');
  });
});
