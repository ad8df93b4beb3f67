import { RewardGranted } from '../events/domain-events';
import { EventBus } from '../events/event-bus';
import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { templateIssueProblem } from '@allycard/domain';
import type { ReferralRewardNotice } from '@allycard/contracts';
import { EntityManager, In, MoreThan, Repository } from 'typeorm';
import { DomainError, notFound } from '../common/errors';
import { TransactionRunner } from '../common/transactions';
import type { Member } from '../members/member.entity';
import { MembersService } from '../members/members.service';
import { MemberProfileService } from '../members/member-profile.service';
import { CouponTemplate } from './coupon-template.entity';
import { CouponTemplatesService } from './coupon-templates.service';
import { CouponRow } from './coupon.entity';
import { ReferralReward, ReferralRule } from './referral.entities';
import { CouponsService } from './coupons.service';
import { CouponIssuingService } from './coupon-issuing.service';
import { LedgerService } from '../points/ledger.service';
import { LedgerReversalsService } from '../points/ledger-reversals.service';

/**
 * 拉新 rewards: when a friend who joined through a member's forwarded coupon completes a first
 * purchase, the sender gets the alliance's reward coupon — once per friend (unique key on the friend),
 * never for a self-referral (the same WeChat user is never recorded as its own referrer).
 */
/** How long the card tells a sender about a reward. */
const REWARD_NOTICE_DAYS = 30;
/** Rewards that gave the sender something: the coupon and points, or (`out_of_stock`) the points alone. */
const GIVEN: ReferralReward['status'][] = ['rewarded', 'out_of_stock'];

@Injectable()
export class ReferralService {
  private readonly logger = new Logger(ReferralService.name);

  constructor(
    @InjectRepository(ReferralRule) private readonly rules: Repository<ReferralRule>,
    private readonly templates: CouponTemplatesService,
    private readonly coupons: CouponsService,
    private readonly couponIssuing: CouponIssuingService,
    private readonly members: MembersService,
    private readonly profiles: MemberProfileService,
    private readonly ledger: LedgerService,
    private readonly reversals: LedgerReversalsService,
    private readonly tx: TransactionRunner,
    @InjectRepository(ReferralReward) private readonly rewards: Repository<ReferralReward>,
    private readonly events: EventBus,
  ) {
    this.profiles.latestReferralRewardWith((member) => this.latestRewardOf(member));
  }

  /** The newest reward of the last 30 days that the member still holds, for the card to tell. */
  async latestRewardOf(member: Member): Promise<ReferralRewardNotice | null> {
    const since = new Date(Date.now() - REWARD_NOTICE_DAYS * 86_400_000);
    const reward = await this.rewards.findOne({
      where: {
        allianceId: member.allianceId,
        referrerMemberId: member.id,
        status: In(GIVEN),
        createdAt: MoreThan(since),
      },
      order: { createdAt: 'DESC', id: 'DESC' },
    });
    if (!reward || (!reward.couponId && reward.points <= 0)) return null;
    const coupon = reward.couponId ? await this.coupons.get(member.allianceId, reward.couponId) : null;
    return {
      at: reward.createdAt.toISOString(),
      points: reward.points,
      coupon: coupon ? { id: coupon.row.id, title: coupon.view.template.title } : null,
    };
  }

  async rule(allianceId: string) {
    const rule = await this.rules.findOneBy({ allianceId });
    return { rewardTemplateId: rule?.rewardTemplateId ?? null, rewardPoints: rule?.rewardPoints ?? 0 };
  }

  async setRule(allianceId: string, input: { rewardTemplateId: string | null; rewardPoints: number }) {
    if (input.rewardTemplateId) {
      const view = await this.templates.find(allianceId, input.rewardTemplateId);
      if (!view) throw notFound('券模板');
      if (view.template.joinGift)
        throw new DomainError('VALIDATION_FAILED', 400, '入会礼券不能作为拉新奖励', [
          { field: 'rewardTemplateId', message: 'join gift template' },
        ]);
    }
    await this.tx.run(async (em) => {
      const now = new Date();
      const existing = await em.findOneBy(ReferralRule, { allianceId });
      const rule = {
        rewardTemplateId: input.rewardTemplateId,
        rewardPoints: input.rewardPoints,
        updatedAt: now,
      };
      if (existing) await em.update(ReferralRule, { allianceId }, rule);
      else await em.insert(ReferralRule, { allianceId, ...rule });
    });
    return this.rule(allianceId);
  }

  /** The friend's first purchase, in its transaction: the referrer's reward, once per friend. */
  async rewardReferrer(em: EntityManager, friend: Member): Promise<void> {
    if (!friend.referrerMemberId) return;
    const rule = await em.findOneBy(ReferralRule, { allianceId: friend.allianceId });
    if (!rule || (!rule.rewardTemplateId && !rule.rewardPoints)) return;
    const referrer = await this.members.findInAlliance(friend.allianceId, friend.referrerMemberId, em);
    if (!referrer || referrer.openid === friend.openid) return;
    const template = rule.rewardTemplateId
      ? await em.findOneBy(CouponTemplate, { id: rule.rewardTemplateId, allianceId: friend.allianceId })
      : null;
    const coupon = template ? await this.couponIssuing.issue(em, template, referrer, 'referral') : null;
    if (template && !coupon)
      this.logger.warn(
        `referral reward template ${template.id} issued nothing: ${templateIssueProblem(template, new Date()) ?? 'out_of_stock'}`,
      );
    // Reward points are the alliance's marketing: funded by the alliance account, not a merchant.
    if (rule.rewardPoints > 0) {
      await this.ledger.earn(em, referrer, rule.rewardPoints, {
        kind: 'reward',
        type: 'referral',
        id: friend.id,
        merchantId: null,
      });
    }
    await em.insert(ReferralReward, {
      allianceId: friend.allianceId,
      referrerMemberId: referrer.id,
      referredMemberId: friend.id,
      couponId: coupon?.id ?? null,
      points: rule.rewardPoints,
      status: template && !coupon ? 'out_of_stock' : 'rewarded',
      createdAt: new Date(),
    });
    if (coupon || rule.rewardPoints > 0)
      await this.events.publish(
        em,
        new RewardGranted(
          referrer,
          friend.id,
          {
            couponId: coupon?.id ?? null,
            couponTitle: coupon ? template!.title : null,
            points: rule.rewardPoints,
          },
          new Date(),
        ),
      );
  }

  /**
   * The friend's only purchase was refunded: the referrer's reward for it is withdrawn, once (guarded
   * on its status). Only an unused reward coupon can be taken back; a used one stays used.
   */
  async revokeReward(em: EntityManager, friend: Member, at: Date): Promise<void> {
    // a reward whose coupon could not be issued still gave its points: withdrawn the same way
    const reward = await em.findOneBy(ReferralReward, { referredMemberId: friend.id, status: In(GIVEN) });
    if (!reward) return;
    const withdrawn = await em.update(
      ReferralReward,
      { id: reward.id, status: reward.status },
      { status: 'withdrawn' },
    );
    if (withdrawn.affected !== 1) return;
    if (reward.couponId) {
      await em.update(
        CouponRow,
        { id: reward.couponId, status: 'available' },
        { status: 'expired', updatedAt: at },
      );
    }
    if (reward.points > 0) {
      await this.reversals.clawBack(
        em,
        await this.members.getIn(em, reward.referrerMemberId),
        reward.points,
        { type: 'referral', id: friend.id },
        { type: 'referral_withdrawn', id: friend.id, merchantId: null },
        at,
      );
    }
    this.logger.log(
      `referral reward ${reward.id} withdrawn: the referred member's only purchase was refunded`,
    );
  }
}
