import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Put, Query, Req } from '@nestjs/common';
import type {
  CouponTemplate,
  Offer,
  ReferralRule,
  SentShare,
  ShareCreated,
  SharePreview,
  WalletCoupon,
} from '@allycard/contracts';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Throttle } from '@nestjs/throttler';
import { AuthedRequest, CurrentPrincipal, Principal, principalOf, Roles, TokenService } from '../common/auth';
import { Idempotent } from '../common/idempotency';
import { RATE_LIMITS } from '../common/throttling';
import { CouponTemplatesService, toTemplateDto } from './coupon-templates.service';
import { CouponOffersService } from './coupon-offers.service';
import { CouponsService } from './coupons.service';
import { CreateCouponTemplateDto, UpdateCouponTemplateDto } from './dto/coupon-template.dto';
import { ReferralRuleBodyDto, WalletQueryDto } from './dto/coupon-query.dto';
import { ReferralService } from './referral.service';
import { SharingService } from './sharing.service';
import { IdParam } from '../common/ids';

@ApiTags('coupons')
@ApiBearerAuth()
@Controller()
export class CouponsController {
  constructor(
    private readonly templates: CouponTemplatesService,
    private readonly coupons: CouponsService,
    private readonly couponOffers: CouponOffersService,
    private readonly sharing: SharingService,
    private readonly referral: ReferralService,
    private readonly tokens: TokenService,
  ) {}

  // ── alliance and merchant admins ──────────────────────────────────────────
  @Post('admin/coupon-templates')
  @Roles('alliance_admin', 'merchant_admin')
  async createTemplate(
    @CurrentPrincipal() who: Principal,
    @Body() body: CreateCouponTemplateDto,
  ): Promise<CouponTemplate> {
    return toTemplateDto(await this.templates.create(who, body));
  }

  @Get('admin/coupon-templates')
  @Roles('alliance_admin', 'merchant_admin')
  async listTemplates(@CurrentPrincipal() who: Principal): Promise<CouponTemplate[]> {
    return (await this.templates.list(who)).map(toTemplateDto);
  }

  @Get('admin/coupon-templates/:id')
  @Roles('alliance_admin', 'merchant_admin')
  async getTemplate(
    @CurrentPrincipal() who: Principal,
    @IdParam('id', '券模板') id: string,
  ): Promise<CouponTemplate> {
    return toTemplateDto(await this.templates.getManaged(who, id));
  }

  @Patch('admin/coupon-templates/:id')
  @Roles('alliance_admin', 'merchant_admin')
  async updateTemplate(
    @CurrentPrincipal() who: Principal,
    @IdParam('id', '券模板') id: string,
    @Body() body: UpdateCouponTemplateDto,
  ): Promise<CouponTemplate> {
    return toTemplateDto(await this.templates.update(who, id, body));
  }

  @Post('admin/coupon-templates/:id/pause')
  @HttpCode(200)
  @Roles('alliance_admin', 'merchant_admin')
  async pause(
    @CurrentPrincipal() who: Principal,
    @IdParam('id', '券模板') id: string,
  ): Promise<CouponTemplate> {
    return toTemplateDto(await this.templates.update(who, id, { status: 'paused' }));
  }

  @Post('admin/coupon-templates/:id/resume')
  @HttpCode(200)
  @Roles('alliance_admin', 'merchant_admin')
  async resume(
    @CurrentPrincipal() who: Principal,
    @IdParam('id', '券模板') id: string,
  ): Promise<CouponTemplate> {
    return toTemplateDto(await this.templates.update(who, id, { status: 'active' }));
  }

  @Get('admin/referral-rule')
  @Roles('alliance_admin')
  referralRule(@CurrentPrincipal() who: Principal): Promise<ReferralRule> {
    return this.referral.rule(who.allianceId);
  }

  @Put('admin/referral-rule')
  @Roles('alliance_admin')
  setReferralRule(
    @CurrentPrincipal() who: Principal,
    @Body() body: ReferralRuleBodyDto,
  ): Promise<ReferralRule> {
    return this.referral.setRule(who.allianceId, {
      rewardTemplateId: body.rewardTemplateId ?? null,
      rewardPoints: body.rewardPoints ?? 0,
    });
  }

  // ── members ───────────────────────────────────────────────────────────────
  @Get('offers')
  @Roles('member')
  offers(@CurrentPrincipal() who: Principal): Promise<Offer[]> {
    return this.couponOffers.offers(who);
  }

  @Post('offers/:templateId/claim')
  @Roles('member')
  @Idempotent({
    action: 'claim',
    replay: async (get, who, couponId) => {
      const { row, view } = await get(CouponsService).getOwned(who, couponId);
      return get(CouponsService).toDto(row, view);
    },
  })
  @Throttle({ default: RATE_LIMITS.claim })
  claim(
    @CurrentPrincipal() who: Principal,
    @IdParam('templateId', '优惠券') templateId: string,
  ): Promise<WalletCoupon> {
    return this.coupons.claim(who, templateId);
  }

  @Get('me/coupons')
  @Roles('member')
  wallet(@CurrentPrincipal() who: Principal, @Query() query: WalletQueryDto): Promise<WalletCoupon[]> {
    return this.coupons.wallet(who, query.status);
  }

  @Get('me/coupons/:id')
  @Roles('member')
  async coupon(
    @CurrentPrincipal() who: Principal,
    @IdParam('id', '优惠券') id: string,
  ): Promise<WalletCoupon> {
    const { row, view } = await this.coupons.getOwned(who, id);
    // While it is being forwarded, the open share's link, so the phone can show it again.
    const share = row.status === 'sharing' ? await this.sharing.openShareOf(who, row.id) : null;
    return { ...this.coupons.toDto(row, view), share };
  }

  @Post('me/coupons/:id/share')
  @Roles('member')
  share(@CurrentPrincipal() who: Principal, @IdParam('id', '优惠券') id: string): Promise<ShareCreated> {
    return this.sharing.share(who, id);
  }

  @Delete('me/coupons/:id/share')
  @Roles('member')
  cancelShare(
    @CurrentPrincipal() who: Principal,
    @IdParam('id', '优惠券') id: string,
  ): Promise<WalletCoupon> {
    return this.sharing.cancel(who, id);
  }

  @Get('me/shares')
  @Roles('member')
  sentShares(@CurrentPrincipal() who: Principal): Promise<SentShare[]> {
    return this.sharing.sent(who);
  }

  /** Public: the friend's preview before accepting; a member's token, when sent, tells who is looking. */
  @Get('shares/:token')
  preview(@Param('token') token: string, @Req() req: AuthedRequest): Promise<SharePreview> {
    return this.sharing.preview(token, principalOf(req, this.tokens));
  }
}
