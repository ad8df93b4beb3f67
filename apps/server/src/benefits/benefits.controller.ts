import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put } from '@nestjs/common';
import type {
  BenefitSettings,
  MemberBenefits,
  PointsPromotion,
  SpendGetKeptCase,
  SpendGetRule,
} from '@allycard/contracts';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Principal, Roles } from '../common/auth';
import { BenefitsService } from './benefits.service';
import { BenefitSettingsDto } from './dto/benefits.dto';
import { PointsPromotionDto } from './dto/promotions.dto';
import { PromotionsService } from './promotions.service';
import { SpendGetRuleDto } from './dto/spend-get.dto';
import { SpendGetService } from './spend-get.service';

@ApiTags('benefits')
@ApiBearerAuth()
@Controller()
export class BenefitsController {
  constructor(
    private readonly benefits: BenefitsService,
    private readonly promotions: PromotionsService,
    private readonly spendGet: SpendGetService,
  ) {}

  @Get('benefits')
  @Roles('member')
  forMember(@CurrentPrincipal() who: Principal): Promise<MemberBenefits> {
    return this.benefits.forMember(who);
  }

  @Get('admin/benefits')
  @Roles('alliance_admin')
  settings(@CurrentPrincipal() who: Principal): Promise<BenefitSettings> {
    return this.benefits.settings(who.allianceId);
  }

  @Put('admin/benefits')
  @Roles('alliance_admin')
  put(@CurrentPrincipal() who: Principal, @Body() body: BenefitSettingsDto): Promise<BenefitSettings> {
    return this.benefits.put(who.allianceId, body);
  }

  @Get('admin/benefits/promotions')
  @Roles('alliance_admin')
  listPromotions(@CurrentPrincipal() who: Principal): Promise<PointsPromotion[]> {
    return this.promotions.list(who.allianceId);
  }

  @Post('admin/benefits/promotions')
  @Roles('alliance_admin')
  createPromotion(
    @CurrentPrincipal() who: Principal,
    @Body() body: PointsPromotionDto,
  ): Promise<PointsPromotion> {
    return this.promotions.create(who.allianceId, body);
  }

  @Put('admin/benefits/promotions/:id')
  @Roles('alliance_admin')
  replacePromotion(
    @CurrentPrincipal() who: Principal,
    @Param('id') id: string,
    @Body() body: PointsPromotionDto,
  ): Promise<PointsPromotion> {
    return this.promotions.replace(who.allianceId, id, body);
  }

  @Delete('admin/benefits/promotions/:id')
  @HttpCode(200)
  @Roles('alliance_admin')
  removePromotion(@CurrentPrincipal() who: Principal, @Param('id') id: string): Promise<PointsPromotion> {
    return this.promotions.remove(who.allianceId, id);
  }

  @Get('admin/benefits/spend-get')
  @Roles('alliance_admin')
  listSpendGet(@CurrentPrincipal() who: Principal): Promise<SpendGetRule[]> {
    return this.spendGet.list(who.allianceId);
  }

  @Get('admin/benefits/spend-get/kept')
  @Roles('alliance_admin')
  keptSpendGet(@CurrentPrincipal() who: Principal): Promise<SpendGetKeptCase[]> {
    return this.spendGet.keptCases(who.allianceId);
  }

  @Post('admin/benefits/spend-get')
  @Roles('alliance_admin')
  createSpendGet(@CurrentPrincipal() who: Principal, @Body() body: SpendGetRuleDto): Promise<SpendGetRule> {
    return this.spendGet.create(who.allianceId, body);
  }

  @Delete('admin/benefits/spend-get/:id')
  @HttpCode(200)
  @Roles('alliance_admin')
  removeSpendGet(@CurrentPrincipal() who: Principal, @Param('id') id: string): Promise<SpendGetRule> {
    return this.spendGet.remove(who.allianceId, id);
  }
}
