import { Body, Controller, Get, HttpCode, Param, Post, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Throttle } from '@nestjs/throttler';
import type { Request } from 'express';
import { CurrentPrincipal, Principal, Roles, STAFF_ROLES } from '../common/auth';
import { RATE_LIMITS } from '../common/throttling';
import { CreateStaffDto, PasswordLoginDto } from './dto/login.dto';
import { StaffAccount } from './staff-account.entity';
import { StaffService } from './staff.service';

const toStaffDto = (a: StaffAccount) => ({
  id: a.id,
  username: a.username,
  merchantId: a.merchantId,
  role: a.role,
});

@ApiTags('staff')
@Controller()
export class StaffController {
  constructor(private readonly staff: StaffService) {}

  @Post('staff/login')
  @HttpCode(200)
  @Throttle({ default: RATE_LIMITS.login })
  async staffLogin(@Body() body: PasswordLoginDto, @Req() req: Request) {
    const { token, account } = await this.staff.login(
      body.username,
      body.password,
      STAFF_ROLES,
      req.ip ?? '',
    );
    return { token, staff: { id: account.id, merchantId: account.merchantId, role: account.role } };
  }

  @Post('admin/login')
  @HttpCode(200)
  @Throttle({ default: RATE_LIMITS.login })
  async adminLogin(@Body() body: PasswordLoginDto, @Req() req: Request) {
    const { token } = await this.staff.login(body.username, body.password, ['alliance_admin'], req.ip ?? '');
    return { token };
  }

  @Post('admin/merchants/:id/staff')
  @ApiBearerAuth()
  @Roles('alliance_admin')
  async create(
    @CurrentPrincipal() who: Principal,
    @Param('id') merchantId: string,
    @Body() body: CreateStaffDto,
  ) {
    return toStaffDto(await this.staff.createStaff(who.allianceId, merchantId, body));
  }

  @Get('admin/merchants/:id/staff')
  @ApiBearerAuth()
  @Roles('alliance_admin')
  async list(@CurrentPrincipal() who: Principal, @Param('id') merchantId: string) {
    return (await this.staff.listForMerchant(who.allianceId, merchantId)).map(toStaffDto);
  }
}
