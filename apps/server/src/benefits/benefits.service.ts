import { Injectable } from '@nestjs/common';
import type { BenefitSettings, MemberBenefits } from '@allycard/contracts';
import {
  isBirthday,
  isMemberDay,
  MAX_COMBINED_MULTIPLIER_PERMILLE,
  memberDayProblem,
  tierAtLeast,
} from '@allycard/domain';
import { AlliancesService } from '../alliances/alliances.service';
import { Principal } from '../common/auth';
import { Clock } from '../common/clock';
import { DomainError, validationFailed } from '../common/errors';
import { TransactionRunner } from '../common/transactions';
import { CouponTemplatesService } from '../coupons/coupon-templates.service';
import { MembersService } from '../members/members.service';
import { MerchantsService } from '../merchants/merchants.service';
import { TiersService } from '../points/tiers.service';
import { BenefitRulesService, memberDayOf } from './benefit-rules';
import { BenefitSettingsRow } from './benefit.entities';
import { BirthdayGiftsService } from './birthday-gifts.service';
import { BenefitSettingsDto } from './dto/benefits.dto';
import { PromotionsService } from './promotions.service';
import { SpendGetService } from './spend-get.service';
import { TasksService } from './tasks.service';

const NO_SETTINGS = {
  birthdayEnabled: false,
  birthdayCouponTemplateId: null,
  birthdayPoints: 0,
  memberDayWeekday: null,
  memberDayMonthDay: null,
  memberDayMultiplierPermille: null,
  memberDayMinTierCode: null,
  memberDayDiscountPermille: null,
  memberDayDiscountFen: null,
  memberDayMerchantIds: null,
  profileTaskPoints: 0,
  phoneTaskPoints: 0,
};

/** The alliance's benefit settings (PUT /admin/benefits) and what they give a member (GET /benefits). */
@Injectable()
export class BenefitsService {
  constructor(
    private readonly rules: BenefitRulesService,
    private readonly templates: CouponTemplatesService,
    private readonly alliances: AlliancesService,
    private readonly members: MembersService,
    private readonly merchants: MerchantsService,
    private readonly tiers: TiersService,
    private readonly gifts: BirthdayGiftsService,
    private readonly tasks: TasksService,
    private readonly promotions: PromotionsService,
    private readonly spendGet: SpendGetService,
    private readonly clock: Clock,
    private readonly tx: TransactionRunner,
  ) {}

  async settings(allianceId: string): Promise<BenefitSettings> {
    return toSettings(await this.rules.settingsOf(allianceId));
  }

  /**
   * Replaces the birthday gift and the member day (and the task points when given); refused whole on
   * bad input. Members whose birthday is today get the gift at once, as the day's job would have.
   */
  async put(allianceId: string, body: BenefitSettingsDto): Promise<BenefitSettings> {
    const row: Omit<BenefitSettingsRow, 'updatedAt' | 'allianceId'> = { ...NO_SETTINGS };
    const current = await this.rules.settingsOf(allianceId);
    row.profileTaskPoints = body.tasks?.profilePoints ?? current?.profileTaskPoints ?? 0;
    row.phoneTaskPoints = body.tasks?.phonePoints ?? current?.phoneTaskPoints ?? 0;
    if (body.birthday) {
      const { couponTemplateId, points = 0 } = body.birthday;
      if (!couponTemplateId && points <= 0)
        throw validationFailed(
          [{ field: 'birthday', message: 'a coupon template or points are required' }],
          '生日礼请设一张券或一些积分',
        );
      if (couponTemplateId && !(await this.templates.find(allianceId, couponTemplateId)))
        throw new DomainError('NOT_FOUND', 404, '生日礼的券模板不存在（须是本联盟的券）', [
          { field: 'birthday.couponTemplateId', message: 'no such template in this alliance' },
        ]);
      Object.assign(row, {
        birthdayEnabled: true,
        birthdayCouponTemplateId: couponTemplateId ?? null,
        birthdayPoints: points,
      });
    }
    if (body.memberDay) {
      const rule = {
        weekday: (body.memberDay.weekday ?? null) as never,
        monthDay: body.memberDay.monthDay ?? null,
        pointsMultiplierPermille: body.memberDay.pointsMultiplierPermille,
        minTierCode: body.memberDay.minTierCode ?? null,
        discountPermille: body.memberDay.discountPermille ?? null,
        discountFen: body.memberDay.discountFen ?? null,
        merchantIds: body.memberDay.merchantIds ? [...new Set(body.memberDay.merchantIds)] : null,
      };
      const problem = memberDayProblem(rule);
      if (problem) throw validationFailed([{ field: 'memberDay', message: problem }], problem);
      if (
        rule.minTierCode &&
        !(await this.alliances.tiers(allianceId)).some((t) => t.code === rule.minTierCode)
      )
        throw validationFailed(
          [{ field: 'memberDay.minTierCode', message: 'no such tier' }],
          '会员日的起始等级不存在',
        );
      if (rule.merchantIds) await this.merchantsExist(allianceId, rule.merchantIds, 'memberDay.merchantIds');
      Object.assign(row, {
        memberDayWeekday: rule.weekday,
        memberDayMonthDay: rule.monthDay,
        memberDayMultiplierPermille: rule.pointsMultiplierPermille,
        memberDayMinTierCode: rule.minTierCode,
        memberDayDiscountPermille: rule.discountPermille,
        memberDayDiscountFen: rule.discountFen,
        memberDayMerchantIds: rule.merchantIds,
      });
    }
    const now = this.clock.now();
    await this.tx.run((em) => em.save(em.create(BenefitSettingsRow, { ...row, allianceId, updatedAt: now })));
    if (row.birthdayEnabled) await this.gifts.issueDue(now, allianceId);
    return this.settings(allianceId);
  }

  /** 404 unless every id is a merchant of this alliance. */
  private async merchantsExist(allianceId: string, ids: readonly string[], field: string): Promise<void> {
    const known = new Set((await this.merchants.list(allianceId)).map((m) => m.id));
    const unknown = ids.filter((id) => !known.has(id));
    if (unknown.length)
      throw new DomainError('NOT_FOUND', 404, '所选商户不存在（须是本联盟的商户）', [
        { field, message: `no such merchant in this alliance: ${unknown.join(', ')}` },
      ]);
  }

  /** GET /benefits: the ladder, the member day and birthday gift, the tasks, and what today is. */
  async forMember(who: Principal): Promise<MemberBenefits> {
    const member = await this.members.get(who);
    const now = this.clock.now();
    const row = await this.rules.settingsOf(who.allianceId);
    const settings = toSettings(row);
    const tiers = await this.alliances.tiers(who.allianceId);
    const memberDay = memberDayOf(row);
    const gift = settings.birthday ? await this.gifts.thisYears(member, now) : null;
    const template = settings.birthday?.couponTemplateId
      ? await this.templates.find(who.allianceId, settings.birthday.couponTemplateId)
      : null;
    return {
      tiers: [...tiers]
        .sort((a, b) => a.minSpendFen - b.minSpendFen)
        .map((t) => ({
          code: t.code,
          name: t.name,
          minSpendFen: t.minSpendFen,
          discountPermille: t.discountPermille,
          pointsMultiplierPermille: t.pointsMultiplierPermille,
        })),
      tierCode: member.tierCode,
      spendFen: await this.tiers.rollingSpendFen(member.id, now),
      birthday: settings.birthday && {
        ...settings.birthday,
        couponTitle: template?.template.title ?? null,
        memberBirthday: member.birthday,
      },
      memberDay: settings.memberDay && {
        ...settings.memberDay,
        forMe: tierAtLeast(tiers, member.tierCode, settings.memberDay.minTierCode),
      },
      tasks: await this.tasks.tasksOf(member, row),
      promotions: await this.promotions.active(who.allianceId),
      spendGet: await this.spendGet.list(who.allianceId),
      maxMultiplierPermille: MAX_COMBINED_MULTIPLIER_PERMILLE,
      today: {
        birthday: isBirthday(member.birthday, now),
        memberDay: isMemberDay(memberDay, now),
        birthdayGift: gift && { couponId: gift.couponId, points: gift.points },
      },
    };
  }
}

function toSettings(row: BenefitSettingsRow | null): BenefitSettings {
  const memberDay = memberDayOf(row);
  return {
    birthday: row?.birthdayEnabled
      ? { couponTemplateId: row.birthdayCouponTemplateId, points: row.birthdayPoints }
      : null,
    memberDay,
    tasks: { profilePoints: row?.profileTaskPoints ?? 0, phonePoints: row?.phoneTaskPoints ?? 0 },
    maxMultiplierPermille: MAX_COMBINED_MULTIPLIER_PERMILLE,
  };
}
