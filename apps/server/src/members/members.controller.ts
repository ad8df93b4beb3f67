import { Body, Controller, Get, HttpCode, Patch, Post } from '@nestjs/common';
import type { LoginResponse, Member, MemberCode, MemberProfile } from '@allycard/contracts';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Throttle } from '@nestjs/throttler';
import { CurrentPrincipal, Principal, Roles } from '../common/auth';
import { RATE_LIMITS } from '../common/throttling';
import { UpdateMeDto, WechatCodeDto } from './dto/member.dto';
import { MemberCodesService } from './member-codes.service';
import { MemberProfileService } from './member-profile.service';
import { MembersService } from './members.service';

@ApiTags('members')
@Controller()
export class MembersController {
  constructor(
    private readonly members: MembersService,
    private readonly profiles: MemberProfileService,
    private readonly memberCodes: MemberCodesService,
  ) {}

  @Post('auth/login')
  @HttpCode(200)
  @Throttle({ default: RATE_LIMITS.login })
  login(@Body() body: WechatCodeDto): Promise<LoginResponse> {
    return this.members.login(body.code);
  }

  @Get('me')
  @ApiBearerAuth()
  @Roles('member')
  me(@CurrentPrincipal() who: Principal): Promise<MemberProfile> {
    return this.profiles.profile(who);
  }

  @Patch('me')
  @ApiBearerAuth()
  @Roles('member')
  update(@CurrentPrincipal() who: Principal, @Body() body: UpdateMeDto): Promise<Member> {
    return this.profiles.update(who, body);
  }

  @Post('me/phone')
  @HttpCode(200)
  @ApiBearerAuth()
  @Roles('member')
  bindPhone(@CurrentPrincipal() who: Principal, @Body() body: WechatCodeDto): Promise<Member> {
    return this.profiles.bindPhone(who, body.code);
  }

  @Get('me/member-code')
  @ApiBearerAuth()
  @Roles('member')
  memberCode(@CurrentPrincipal() who: Principal): Promise<MemberCode> {
    return this.memberCodes.memberCode(who);
  }
}
