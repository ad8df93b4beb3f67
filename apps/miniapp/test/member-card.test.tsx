import { render, screen } from '@testing-library/react';
import { MemberCard } from '../src/components/member-card';
import { MemberQr } from '../src/components/member-qr';
import { CouponItem } from '../src/components/coupon-item';
import { coupon, member, profile } from './helpers';

describe('MemberCard', () => {
  it('shows the formatted card number, tier, points and the way to the next tier', () => {
    const { container } = render(<MemberCard member={profile} />);
    expect(container.querySelector('.member-card__number')?.textContent).toBe('6222 0212 3456 7894');
    expect(screen.getByText('银卡')).toBeTruthy();
    expect(screen.getByText('1280')).toBeTruthy();
    expect(screen.getByText('小王')).toBeTruthy();
    expect(screen.getByText('再消费 ¥320.00 升级金卡')).toBeTruthy();
    expect(screen.getByText('联盟会员卡')).toBeTruthy();
  });

  it('copes with a member without nickname or tier progress', () => {
    const { container } = render(
      <MemberCard member={{ ...member, nickname: null }} allianceName="示例商圈联盟" />,
    );
    expect(screen.getByText('微信用户')).toBeTruthy();
    expect(screen.getByText('示例商圈联盟')).toBeTruthy();
    expect(container.querySelector('.member-card__progress')).toBeNull();
  });
});

describe('MemberQr', () => {
  it('draws the member code as an SVG data URL (h5) with the digits under it', () => {
    const onRefresh = jest.fn();
    const { container } = render(<MemberQr code="123400000000017" onRefresh={onRefresh} />);
    const image = container.querySelector('.member-code__qr img');
    expect(decodeURIComponent(image!.getAttribute('src')!)).toMatch(
      /^data:image\/svg\+xml,<svg .*<path .*d="M/,
    );
    expect(screen.getByText('1234 0000 0000 017')).toBeTruthy();
    image?.dispatchEvent(new MouseEvent('click', { bubbles: true }));
    expect(onRefresh).toHaveBeenCalledTimes(1);
  });

  it('draws a different symbol for a different code', () => {
    const first = render(<MemberQr code="111100000000017" onRefresh={() => undefined} />);
    const a = first.container.querySelector('img')?.getAttribute('src');
    first.unmount();
    const second = render(<MemberQr code="222200000000017" onRefresh={() => undefined} />);
    expect(second.container.querySelector('img')?.getAttribute('src')).not.toBe(a);
  });

  it('shows a placeholder, not a broken image, before the first code', () => {
    const { container } = render(<MemberQr code={null} failed onRefresh={() => undefined} />);
    expect(container.querySelector('img')).toBeNull();
    expect(screen.getByText('点击重试')).toBeTruthy();
  });
});

describe('CouponItem', () => {
  it('shows value, condition, rule, where usable, validity in the shopper’s calendar and tags', () => {
    render(<CouponItem coupon={coupon} />);
    expect(screen.getByText('¥5')).toBeTruthy();
    expect(screen.getByText('无门槛')).toBeTruthy();
    expect(screen.getByText('无门槛减5元')).toBeTruthy();
    expect(screen.getByText('全联盟通用')).toBeTruthy();
    // 15:59:59Z is 23:59:59 in Shanghai: still the 31st
    expect(screen.getByText('有效期至 2025-12-31')).toBeTruthy();
    expect(screen.getByText('首单专享')).toBeTruthy();
  });

  it('writes threshold and discount coupons the way shoppers read them, with the server’s description', () => {
    const { rerender } = render(
      <CouponItem
        coupon={{
          ...coupon,
          kind: 'amount',
          valueFen: 1000,
          thresholdFen: 5000,
          firstOrderOnly: false,
          forwardable: true,
          usableAt: 'merchant',
          merchantIds: ['3', '4'],
          description: '满50减10',
          maxDiscountFen: null,
          receivedFrom: null,
        }}
        merchantNames={
          new Map([
            ['3', '老街咖啡'],
            ['4', '面包工坊'],
          ])
        }
      />,
    );
    expect(screen.getByText('满50可用')).toBeTruthy();
    expect(screen.getByText('满50减10')).toBeTruthy();
    expect(screen.getByText('老街咖啡、面包工坊可用')).toBeTruthy();
    expect(screen.getByText('可转赠')).toBeTruthy();
    rerender(
      <CouponItem
        coupon={{ ...coupon, kind: 'discount', valueFen: null, discountPermille: 880, description: '8.8折' }}
      />,
    );
    expect(screen.getAllByText('8.8折').length).toBeGreaterThan(0);
  });

  it('stamps coupons that are not available and greys out used ones', () => {
    const { container, rerender } = render(
      <CouponItem coupon={{ ...coupon, status: 'used', forwardable: true }} />,
    );
    expect(screen.getByText('已使用')).toBeTruthy();
    expect(container.querySelector('.coupon-item--muted')).not.toBeNull();
    expect(screen.queryByText('可转赠')).toBeNull();
    rerender(<CouponItem coupon={{ ...coupon, status: 'sharing' }} />);
    expect(screen.getByText('转赠中')).toBeTruthy();
    expect(container.querySelector('.coupon-item--muted')).toBeNull();
  });
});
