import { Injectable } from '@nestjs/common';
import { purchaseEarning } from '@allycard/domain';
import { EntityManager } from 'typeorm';
import { AlliancesService } from '../alliances/alliances.service';
import { BenefitRulesService } from '../benefits/benefit-rules';
import type { Member } from '../members/member.entity';
import { MembersService } from '../members/members.service';
import { PurchaseMade } from '../events/domain-events';
import { EventBus } from '../events/event-bus';
import { LedgerService } from './ledger.service';
import { TiersService } from './tiers.service';

export interface PurchaseEffects {
  firstPurchase: boolean;
  pointsEarned: number;
  tierCode: string;
}

/**
 * The one place a purchase (a counter purchase now, a paid order with payments) takes effect for
 * loyalty: first purchase (first-order rule, referral reward), tier spend, and points earned at the
 * alliance rate times the tier, member-day and promotion multipliers (packages/domain's one rule), funded by the merchant where it happened.
 */
@Injectable()
export class PurchasesService {
  constructor(
    private readonly members: MembersService,
    private readonly ledger: LedgerService,
    private readonly tiers: TiersService,
    private readonly alliances: AlliancesService,
    private readonly benefits: BenefitRulesService,
    private readonly events: EventBus,
  ) {}

  async record(
    em: EntityManager,
    member: Member,
    purchase: { merchantId: string; paidFen: number; sourceType: 'order' | 'redemption'; sourceId: string },
    at = new Date(),
    /** the day whose member day and promotions apply: when the order was priced (the preview's day) */
    benefitsAt: Date = at,
    /** `member` was read in `em` (a paid order's): its tier and grant are current */
    memberReadInTransaction = false,
  ): Promise<PurchaseEffects> {
    const firstPurchase = await this.members.recordPurchase(em, member, at);
    // Points follow the tier held when paying (read before the spend below may upgrade it).
    const tierRules = await this.alliances.tiers(member.allianceId, em);
    const policy = await this.ledger.policy(member.allianceId, em);
    const { points, sponsored } = purchaseEarning(purchase.paidFen, policy, {
      ...(await this.benefits.earningRules(member.allianceId, benefitsAt, em)),
      tiers: tierRules,
      tierCode: member.tierCode,
      merchantId: purchase.merchantId,
      at: benefitsAt,
    });
    const tierCode =
      purchase.paidFen > 0
        ? await this.tiers.addSpend(
            em,
            member,
            purchase.merchantId,
            purchase.paidFen,
            { type: purchase.sourceType, id: purchase.sourceId },
            at,
            memberReadInTransaction,
          )
        : member.tierCode;
    await this.ledger.earn(
      em,
      member,
      points,
      { kind: 'earn', type: purchase.sourceType, id: purchase.sourceId, merchantId: purchase.merchantId },
      at,
      // a sponsored promotion's extra points are funded by its sponsor, the rest by the merchant
      sponsored.filter((s) => s.sponsorMerchantId !== null && s.points > 0),
    );
    await this.events.publish(em, new PurchaseMade(member, purchase, at));
    return { firstPurchase, pointsEarned: points, tierCode };
  }
}
