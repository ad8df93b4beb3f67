import { Body, Controller, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import type { AcceptShareResponse, JoinResponse, Merchant, Offer } from '@allycard/contracts';
import { ApiTags } from '@nestjs/swagger';
import { Throttle } from '@nestjs/throttler';
import type { Response } from 'express';
import { RATE_LIMITS } from '../common/throttling';
import { CouponOffersService } from '../coupons/coupon-offers.service';
import { JoiningService } from '../coupons/joining.service';
import { DirectoryService } from '../directory/directory.service';
import { SharingService } from '../coupons/sharing.service';
import { AcceptShareDto, JoinDto } from '../members/dto/member.dto';
import { PolicyService } from '../privacy/policy.service';
import { WechatClient } from '../wechat/wechat.client';

/** The two ways in: scanning a merchant's code (join) and accepting a friend's coupon. */
@ApiTags('members')
@Controller()
export class OnboardingController {
  constructor(
    private readonly joining: JoiningService,
    private readonly sharing: SharingService,
    private readonly wechat: WechatClient,
    private readonly policies: PolicyService,
    private readonly offers: CouponOffersService,
    private readonly directory: DirectoryService,
  ) {}

  /** Public: what joining gives (the join gifts of the scanned code's alliance), named on the join page. */
  @Get('join-gifts')
  async joinGifts(@Query('scene') scene?: unknown): Promise<Offer[]> {
    return this.offers.joinGiftPreview(await this.allianceOfScene(scene));
  }

  /** Public: 领券中心 before joining; the first claim joins (POST /join, then the claim). */
  @Get('offers/browse')
  async browseOffers(@Query('scene') scene?: unknown): Promise<Offer[]> {
    return this.offers.offersForNewcomer(await this.allianceOfScene(scene));
  }

  /** Public: the scene's merchants and stores, so 领券中心 names where a coupon is used before joining. */
  @Get('merchants/browse')
  async browseMerchants(@Query('scene') scene?: unknown): Promise<Merchant[]> {
    return this.directory.listOf(await this.allianceOfScene(scene));
  }

  /** The alliance of the scanned code; no scene, or an unknown one, is the default alliance's. */
  private allianceOfScene(scene: unknown): Promise<string> {
    return this.policies.allianceForVisitor({
      scene: typeof scene === 'string' && scene ? scene : undefined,
    });
  }

  /**
   * 201 for a new member, 200 when this WeChat user already was one. With `policyVersion`, the
   * consent to it is recorded with the join; an outdated one is refused before anyone joins.
   */
  @Post('join')
  @Throttle({ default: RATE_LIMITS.join })
  async join(@Body() body: JoinDto, @Res({ passthrough: true }) res: Response): Promise<JoinResponse> {
    if (body.policyVersion)
      await this.policies.assertCurrent(await this.policies.allianceForVisitor(body), body.policyVersion);
    const result = body.shareToken
      ? await this.sharing.joinWithShare(
          (await this.wechat.code2Session(body.code)).openid,
          body.shareToken,
          body.scene,
        )
      : await this.joining.join(body);
    if (body.policyVersion) await this.policies.acceptAtJoin(result.member.id, body.policyVersion);
    res.status(result.newlyJoined ? 201 : 200);
    return result;
  }

  /** Takes a friend's coupon, joining on the way; `policyVersion` as for POST /join. */
  @Post('shares/:token/accept')
  @HttpCode(200)
  @Throttle({ default: RATE_LIMITS.join })
  async accept(@Param('token') token: string, @Body() body: AcceptShareDto): Promise<AcceptShareResponse> {
    // an unknown link is the share's own 404, not an outdated policy
    const allianceId = body.policyVersion ? await this.sharing.allianceOfToken(token) : null;
    if (body.policyVersion && allianceId) await this.policies.assertCurrent(allianceId, body.policyVersion);
    const accepted = await this.sharing.accept(token, body.code);
    if (body.policyVersion) await this.policies.acceptAtJoin(accepted.member.id, body.policyVersion);
    return accepted;
  }
}
