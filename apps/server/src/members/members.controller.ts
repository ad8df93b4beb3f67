import { Body, Controller, Get, HttpCode, Patch, Post, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Throttle } from '@nestjs/throttler';
import type { Response } from 'express';
import { CurrentPrincipal, Principal, Roles, STAFF_ROLES } from '../common/auth';
import { RATE_LIMITS } from '../common/throttling';
import { JoinDto, MemberLookupDto, UpdateMeDto, WechatCodeDto } from './dto/member.dto';
import { MembersService } from './members.service';

@ApiTags('members')
@Controller()
export class MembersController {
  constructor(private readonly members: MembersService) {}

  /** 201 for a new member, 200 when this WeChat user already was one. */
  @Post('join')
  @Throttle({ default: RATE_LIMITS.join })
  async join(@Body() body: JoinDto, @Res({ passthrough: true }) res: Response) {
    const result = await this.members.join(body);
    res.status(result.newlyJoined ? 201 : 200);
    return result;
  }

  @Post('auth/login')
  @HttpCode(200)
  @Throttle({ default: RATE_LIMITS.login })
  login(@Body() body: WechatCodeDto) {
    return this.members.login(body.code);
  }

  @Get('me')
  @ApiBearerAuth()
  @Roles('member')
  me(@CurrentPrincipal() who: Principal) {
    return this.members.profile(who);
  }

  @Patch('me')
  @ApiBearerAuth()
  @Roles('member')
  update(@CurrentPrincipal() who: Principal, @Body() body: UpdateMeDto) {
    return this.members.update(who, body);
  }

  @Post('me/phone')
  @HttpCode(200)
  @ApiBearerAuth()
  @Roles('member')
  bindPhone(@CurrentPrincipal() who: Principal, @Body() body: WechatCodeDto) {
    return this.members.bindPhone(who, body.code);
  }

  @Get('me/member-code')
  @ApiBearerAuth()
  @Roles('member')
  memberCode(@CurrentPrincipal() who: Principal) {
    return this.members.memberCode(who);
  }

  @Post('staff/members/lookup')
  @HttpCode(200)
  @ApiBearerAuth()
  @Roles(...STAFF_ROLES)
  @Throttle({ default: RATE_LIMITS.codeLookup })
  async lookup(@CurrentPrincipal() staff: Principal, @Body() body: MemberLookupDto) {
    const member = await this.members.lookupByCode(staff, body.memberCode);
    // Coupons usable at this merchant arrive with the coupons module.
    return { member: await this.members.toDto(member), coupons: [] };
  }
}
