import { Injectable, Module } from '@nestjs/common';
import { InjectRepository, TypeOrmModule } from '@nestjs/typeorm';
import type { IsoWeekday, MemberDayRule, PointsPromotionRule } from '@allycard/domain';
import { EntityManager, LessThanOrEqual, MoreThan, Repository } from 'typeorm';
import { BenefitSettingsRow, PointsPromotionRow } from './benefit.entities';

/** What an alliance's benefits add to earning, as packages/domain's purchaseEarning takes it. */
export interface EarningRules {
  memberDay: MemberDayRule | null;
  promotions: PointsPromotionRule[];
}

/** A member day as stored: every optional part present (null when unset). */
export type StoredMemberDay = MemberDayRule & {
  discountPermille: number | null;
  discountFen: number | null;
  merchantIds: string[] | null;
};

export function promotionOf(r: PointsPromotionRow): PointsPromotionRule {
  return {
    id: r.id,
    multiplierPermille: r.multiplierPermille,
    startsAt: r.startsAt,
    endsAt: r.endsAt,
    merchantIds: r.merchantIds ?? null,
    sponsorMerchantId: r.sponsorMerchantId ?? null,
  };
}

export function memberDayOf(row: BenefitSettingsRow | null): StoredMemberDay | null {
  if (!row || row.memberDayMultiplierPermille === null) return null;
  return {
    weekday: (row.memberDayWeekday as IsoWeekday | null) ?? null,
    monthDay: row.memberDayMonthDay,
    pointsMultiplierPermille: row.memberDayMultiplierPermille,
    minTierCode: row.memberDayMinTierCode,
    discountPermille: row.memberDayDiscountPermille ?? null,
    discountFen: row.memberDayDiscountFen ?? null,
    merchantIds: row.memberDayMerchantIds ?? null,
  };
}

/**
 * Reads the benefit settings for the modules that price and earn (points/, orders/), which the
 * benefits module itself depends on — hence its own small module with no dependencies.
 */
@Injectable()
export class BenefitRulesService {
  constructor(
    @InjectRepository(BenefitSettingsRow) private readonly settings: Repository<BenefitSettingsRow>,
    @InjectRepository(PointsPromotionRow) private readonly promotions: Repository<PointsPromotionRow>,
  ) {}

  settingsOf(allianceId: string, em?: EntityManager): Promise<BenefitSettingsRow | null> {
    return (em ? em.getRepository(BenefitSettingsRow) : this.settings).findOneBy({ allianceId });
  }

  /** The member day and the promotions running at `at` (the purchase's pricing time). */
  async earningRules(allianceId: string, at: Date, em?: EntityManager): Promise<EarningRules> {
    const promotions = await (em ? em.getRepository(PointsPromotionRow) : this.promotions).findBy({
      allianceId,
      startsAt: LessThanOrEqual(at),
      endsAt: MoreThan(at),
    });
    return {
      memberDay: memberDayOf(await this.settingsOf(allianceId, em)),
      promotions: promotions.map(promotionOf),
    };
  }
}

@Module({
  imports: [TypeOrmModule.forFeature([BenefitSettingsRow, PointsPromotionRow])],
  providers: [BenefitRulesService],
  exports: [BenefitRulesService],
})
export class BenefitRulesModule {}
