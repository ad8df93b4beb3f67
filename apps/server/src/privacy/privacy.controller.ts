import { Body, Controller, Delete, Get, HttpCode, Post, Put, Query } from '@nestjs/common';
import type { AccountClosed, ConsentState, MemberExport, PrivacyPolicy } from '@allycard/contracts';
import { ApiBearerAuth, ApiQuery, ApiTags } from '@nestjs/swagger';
import { IsString, MaxLength } from 'class-validator';
import { CurrentPrincipal, Principal, Roles } from '../common/auth';
import { IsOptionalNotNull } from '../common/validation';
import { AccountService } from './account.service';
import { AcceptPolicyDto, CloseAccountDto, PublishPolicyDto } from './dto/privacy.dto';
import { PolicyService } from './policy.service';

class PolicyQueryDto {
  @IsOptionalNotNull()
  @IsString()
  @MaxLength(128)
  scene?: string;

  /** a friend's share link: its alliance's policy */
  @IsOptionalNotNull()
  @IsString()
  @MaxLength(128)
  share?: string;
}

@ApiTags('privacy')
@Controller()
export class PrivacyController {
  constructor(
    private readonly policies: PolicyService,
    private readonly account: AccountService,
  ) {}

  /** The current 用户协议 and 隐私政策 of the alliance the scene or share link belongs to (join pages). */
  @Get('privacy-policy')
  @ApiQuery({ name: 'scene', required: false })
  @ApiQuery({ name: 'share', required: false })
  async current(@Query() query: PolicyQueryDto): Promise<PrivacyPolicy> {
    return this.policies.currentOrFail(
      await this.policies.allianceForVisitor({ scene: query.scene, shareToken: query.share }),
    );
  }

  /** The member agrees to the current version (asked again after a new one is published). */
  @Post('me/consents')
  @HttpCode(200)
  @ApiBearerAuth()
  @Roles('member')
  accept(@CurrentPrincipal() who: Principal, @Body() body: AcceptPolicyDto): Promise<ConsentState> {
    return this.policies.acceptAsMember(who, body.version);
  }

  @Get('me/export')
  @ApiBearerAuth()
  @Roles('member')
  export(@CurrentPrincipal() who: Principal): Promise<MemberExport> {
    return this.account.export(who);
  }

  @Delete('me')
  @ApiBearerAuth()
  @Roles('member')
  // The body is only validated: the typed confirmation is what the DTO checks.
  close(@CurrentPrincipal() who: Principal, @Body() _confirmation: CloseAccountDto): Promise<AccountClosed> {
    return this.account.close(who);
  }

  @Get('admin/privacy-policy')
  @ApiBearerAuth()
  @Roles('alliance_admin')
  adminCurrent(@CurrentPrincipal() who: Principal): Promise<PrivacyPolicy> {
    return this.policies.currentOrFail(who.allianceId);
  }

  /** Publishes the edited texts as a new version; members agree again at their next visit. */
  @Put('admin/privacy-policy')
  @ApiBearerAuth()
  @Roles('alliance_admin')
  publish(@CurrentPrincipal() who: Principal, @Body() body: PublishPolicyDto): Promise<PrivacyPolicy> {
    return this.policies.publish(who, who.allianceId, body);
  }
}
