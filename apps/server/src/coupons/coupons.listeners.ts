import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { FirstPurchase, MemberJoined } from '../events/domain-events';
import { InTransaction } from '../events/event-bus';
import { CouponUsageService } from './coupon-usage.service';
import { CouponIssuingService } from './coupon-issuing.service';
import { ReferralService } from './referral.service';

/** How coupons/ reacts to other modules' events. */
@Injectable()
export class CouponsListeners {
  constructor(
    private readonly couponIssuing: CouponIssuingService,
    private readonly referral: ReferralService,
    private readonly usage: CouponUsageService,
  ) {}

  /** Join gifts in the join transaction: once per member however many joins race (one member row). */
  @InTransaction(MemberJoined)
  async issueJoinGifts({ member }: MemberJoined, em: EntityManager): Promise<void> {
    await this.couponIssuing.issueJoinGifts(em, member);
  }

  /** 拉新: the friend's first purchase rewards the member who forwarded the coupon. */
  @InTransaction(FirstPurchase)
  async rewardReferrer({ member }: FirstPurchase, em: EntityManager): Promise<void> {
    await this.referral.rewardReferrer(em, member);
  }

  /** 首单 is over: the member's first-order coupons left in the wallet can never be used. */
  @InTransaction(FirstPurchase)
  async retireFirstOrderCoupons({ member, at }: FirstPurchase, em: EntityManager): Promise<void> {
    await this.usage.retireFirstOrderCoupons(em, member, at);
  }
}
