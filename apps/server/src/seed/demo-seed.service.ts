import { Injectable } from '@nestjs/common';
import { Principal } from '../common/auth';
import { CouponTemplatesService } from '../coupons/coupon-templates.service';
import { ReferralService } from '../coupons/referral.service';
import { CounterService } from '../counter/counter.service';
import { MallCatalogueService } from '../mall/mall-catalogue.service';
import { MallRedemptionService } from '../mall/mall-redemption.service';
import { MembersService } from '../members/members.service';
import { MemberCodesService } from '../members/member-codes.service';
import { MemberProfileService } from '../members/member-profile.service';
import { MessageTemplatesService } from '../messages/message-templates.service';
import { SANDBOX_MESSAGE_TEMPLATES } from '../messages/sandbox-templates';
import { DEMO_POLICY } from '../privacy/demo-policy';
import { PolicyService } from '../privacy/policy.service';

/** 小林's phone number in the demo alliance (a reserved-looking test number). */
export const DEMO_SHOPPER_PHONE = '13800138000';

export interface DemoMerchant {
  id: string;
  name: string;
  clerkId: string;
}

/**
 * What makes the demo alliance feel alive on first start: a first-order join gift, offers to claim,
 * a referral reward, a points mall, and three demo shoppers whose purchases and one exchange make this
 * month's settlement non-trivial (and balanced). Everything goes through the real services.
 */
@Injectable()
export class DemoSeedService {
  constructor(
    private readonly templates: CouponTemplatesService,
    private readonly referral: ReferralService,
    private readonly mall: MallCatalogueService,
    private readonly mallRedemption: MallRedemptionService,
    private readonly members: MembersService,
    private readonly memberCodes: MemberCodesService,
    private readonly profiles: MemberProfileService,
    private readonly counter: CounterService,
    private readonly policies: PolicyService,
    private readonly messageTemplates: MessageTemplatesService,
  ) {}

  async seed(allianceId: string, adminId: string, merchants: DemoMerchant[]): Promise<void> {
    const admin: Principal = { role: 'alliance_admin', id: adminId, allianceId };
    const [coffee, bakery, books] = merchants;
    await this.policies.publish(null, allianceId, DEMO_POLICY);
    const base = {
      stock: 100_000,
      perMemberLimit: 1,
      validDays: 30,
      audience: 'all' as const,
      issuer: { type: 'alliance' as const },
    };

    await this.templates.create(admin, {
      ...base,
      title: '新人首单立减10元',
      description: '入会即送，首单无门槛立减',
      kind: 'no_threshold',
      valueFen: 1000,
      thresholdFen: 0,
      usableAt: 'alliance',
      firstOrderOnly: true,
      forwardable: false,
      joinGift: true,
    });
    await this.templates.create(admin, {
      ...base,
      title: '全联盟满50减8',
      kind: 'amount',
      valueFen: 800,
      thresholdFen: 5000,
      stock: 500,
      perMemberLimit: 2,
      usableAt: 'alliance',
      forwardable: true,
    });
    await this.templates.create(admin, {
      ...base,
      title: `${coffee.name} 8.5折券`,
      kind: 'discount',
      discountPermille: 850,
      maxDiscountFen: 2000,
      thresholdFen: 0,
      stock: 300,
      usableAt: 'merchant',
      merchantIds: [coffee.id],
      forwardable: true,
      issuer: { type: 'merchant', merchantId: coffee.id },
    });
    await this.templates.create(admin, {
      ...base,
      title: `${bakery.name} 满30减5`,
      kind: 'amount',
      valueFen: 500,
      thresholdFen: 3000,
      stock: 300,
      usableAt: 'merchant',
      merchantIds: [bakery.id],
      forwardable: true,
      issuer: { type: 'merchant', merchantId: bakery.id },
    });
    const reward = await this.templates.create(admin, {
      ...base,
      title: '拉新奖励·无门槛5元',
      kind: 'no_threshold',
      valueFen: 500,
      thresholdFen: 0,
      usableAt: 'alliance',
      forwardable: false,
      channel: 'issue_only', // issued as a reward, not claimable in 领券中心
    });
    await this.referral.setRule(allianceId, { rewardTemplateId: reward.template.id, rewardPoints: 50 });
    // The WeChat sandbox's subscribe templates, so the demo asks shoppers and sends its messages.
    await this.messageTemplates.replace(allianceId, SANDBOX_MESSAGE_TEMPLATES);

    await this.mall.createItem(admin, {
      title: '手冲咖啡一杯',
      description: `到${coffee.name}提货`,
      pointsPrice: 300,
      cashFen: 0,
      stock: 50,
      perMemberLimit: 2,
      fulfilment: 'pickup',
      merchantId: coffee.id,
    });
    await this.mall.createItem(admin, {
      title: '招牌可颂',
      description: `到${bakery.name}提货`,
      pointsPrice: 120,
      cashFen: 0,
      stock: 100,
      perMemberLimit: 3,
      fulfilment: 'pickup',
      merchantId: bakery.id,
    });
    const mallCoupon = await this.templates.create(admin, {
      ...base,
      title: '积分兑·无门槛5元',
      kind: 'no_threshold',
      valueFen: 500,
      thresholdFen: 0,
      usableAt: 'alliance',
      forwardable: false,
      channel: 'issue_only', // exchanged in the points mall, not claimable
    });
    await this.mall.createItem(admin, {
      title: '无门槛5元券',
      pointsPrice: 200,
      cashFen: 0,
      stock: 200,
      perMemberLimit: 5,
      fulfilment: 'coupon',
      couponTemplateId: mallCoupon.template.id,
    });

    // Three shoppers buy across the alliance; one exchanges points for a croissant at the bakery.
    const shoppers = [];
    for (const [i, nickname] of ['小林', '阿芳', '老周'].entries()) {
      const joined = await this.members.joinByOpenid(`demo_shopper_${i + 1}`, {});
      const who: Principal = { role: 'member', id: joined.member.id, allianceId };
      await this.profiles.update(who, { nickname });
      shoppers.push(who);
    }
    // One shopper with a phone, so the console's member search by phone has someone to find.
    await this.profiles.setPhone(shoppers[0], DEMO_SHOPPER_PHONE);
    const buy = async (shopper: Principal, at: DemoMerchant, amountFen: number) => {
      const { code } = await this.memberCodes.memberCode(shopper);
      await this.counter.redeem(
        { role: 'clerk', id: at.clerkId, allianceId, merchantId: at.id },
        { memberCode: code, amountFen },
      );
    };
    await buy(shoppers[0], coffee, 6800);
    await buy(shoppers[0], books, 12_900);
    await buy(shoppers[1], bakery, 4200);
    await buy(shoppers[1], coffee, 3600);
    await buy(shoppers[2], books, 25_600);
    const croissant = (await this.mall.list(shoppers[0])).find((item) => item.title === '招牌可颂');
    if (croissant) await this.mallRedemption.redeem(shoppers[0], croissant.id, 1);
  }
}
