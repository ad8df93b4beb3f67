import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import type { StaffAccount as StaffAccountView } from '@allycard/contracts';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Principal, Roles } from '../common/auth';
import { CreateStaffDto, ResetPasswordDto } from './dto/login.dto';
import { merchantStaffOf, StaffAccount } from './staff-account.entity';
import { StaffService } from './staff.service';
import { IdParam } from '../common/ids';

const toStaffDto = (a: StaffAccount): StaffAccountView => ({
  ...merchantStaffOf(a),
  username: a.username,
  disabled: a.disabledAt !== null,
  disabledAt: a.disabledAt?.toISOString() ?? null,
  createdAt: a.createdAt.toISOString(),
});

/**
 * Staff accounts of merchants. The alliance admin creates them; it and a merchant admin (for its own
 * merchant's clerks) list them, disable / enable them and set a new password.
 */
@ApiTags('staff')
@ApiBearerAuth()
@Controller('admin')
export class StaffAdminController {
  constructor(private readonly staff: StaffService) {}

  @Post('merchants/:id/staff')
  @Roles('alliance_admin')
  async create(
    @CurrentPrincipal() who: Principal,
    @IdParam('id', '商户') merchantId: string,
    @Body() body: CreateStaffDto,
  ): Promise<StaffAccountView> {
    return toStaffDto(await this.staff.createStaff(who.allianceId, merchantId, body));
  }

  @Get('merchants/:id/staff')
  @Roles('alliance_admin', 'merchant_admin')
  async list(
    @CurrentPrincipal() who: Principal,
    @IdParam('id', '商户') merchantId: string,
  ): Promise<StaffAccountView[]> {
    return (await this.staff.listForMerchant(who, merchantId)).map(toStaffDto);
  }

  @Post('staff/:id/disable')
  @HttpCode(200)
  @Roles('alliance_admin', 'merchant_admin')
  async disable(
    @CurrentPrincipal() who: Principal,
    @IdParam('id', '员工账号') id: string,
  ): Promise<StaffAccountView> {
    return toStaffDto(await this.staff.setDisabled(who, id, true));
  }

  @Post('staff/:id/enable')
  @HttpCode(200)
  @Roles('alliance_admin', 'merchant_admin')
  async enable(
    @CurrentPrincipal() who: Principal,
    @IdParam('id', '员工账号') id: string,
  ): Promise<StaffAccountView> {
    return toStaffDto(await this.staff.setDisabled(who, id, false));
  }

  @Post('staff/:id/password')
  @HttpCode(200)
  @Roles('alliance_admin', 'merchant_admin')
  async resetPassword(
    @CurrentPrincipal() who: Principal,
    @IdParam('id', '员工账号') id: string,
    @Body() body: ResetPasswordDto,
  ): Promise<StaffAccountView> {
    return toStaffDto(await this.staff.resetPassword(who, id, body.password));
  }
}
