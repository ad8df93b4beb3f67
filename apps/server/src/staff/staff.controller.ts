import { Body, Controller, HttpCode, Post, Req } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Throttle } from '@nestjs/throttler';
import type { Role, SessionTokens, StaffLoginResponse } from '@allycard/contracts';
import type { Request } from 'express';
import { STAFF_ROLES } from '../common/auth';
import { RATE_LIMITS } from '../common/throttling';
import { PasswordLoginDto, RefreshTokenDto } from './dto/login.dto';
import { merchantStaffOf } from './staff-account.entity';
import { StaffService, StaffSession } from './staff.service';

const ADMIN_ROLES: Role[] = ['alliance_admin'];

const toSessionDto = (s: StaffSession): SessionTokens => ({
  token: s.token,
  refreshToken: s.refreshToken,
  expiresAt: s.expiresAt.toISOString(),
});

/** Password logins of staff (the mini-program's counter, merchant admins) and alliance admins. */
@ApiTags('staff')
@Controller()
export class StaffController {
  constructor(private readonly staff: StaffService) {}

  @Post('staff/login')
  @HttpCode(200)
  @Throttle({ default: RATE_LIMITS.login })
  async staffLogin(@Body() body: PasswordLoginDto, @Req() req: Request): Promise<StaffLoginResponse> {
    const { session, account } = await this.staff.login(
      body.username,
      body.password,
      STAFF_ROLES,
      req.ip ?? '',
    );
    return {
      ...toSessionDto(session),
      // a counter login is a clerk's or a merchant admin's (STAFF_ROLES)
      staff: merchantStaffOf(account),
    };
  }

  @Post('staff/refresh')
  @HttpCode(200)
  @Throttle({ default: RATE_LIMITS.login })
  async staffRefresh(@Body() body: RefreshTokenDto): Promise<SessionTokens> {
    return toSessionDto(await this.staff.refresh(body.refreshToken, STAFF_ROLES));
  }

  @Post('admin/login')
  @HttpCode(200)
  @Throttle({ default: RATE_LIMITS.login })
  async adminLogin(@Body() body: PasswordLoginDto, @Req() req: Request): Promise<SessionTokens> {
    const { session } = await this.staff.login(body.username, body.password, ADMIN_ROLES, req.ip ?? '');
    return toSessionDto(session);
  }

  @Post('admin/refresh')
  @HttpCode(200)
  @Throttle({ default: RATE_LIMITS.login })
  async adminRefresh(@Body() body: RefreshTokenDto): Promise<SessionTokens> {
    return toSessionDto(await this.staff.refresh(body.refreshToken, ADMIN_ROLES));
  }
}
