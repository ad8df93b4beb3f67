import { Body, Controller, Delete, Get, Put, Query } from '@nestjs/common';
import type { StaffLimits } from '@allycard/contracts';
import { ApiBearerAuth, ApiQuery, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Principal, Roles } from '../common/auth';
import { StaffLimitsDto, StaffLimitValuesDto } from './dto/staff-limits.dto';
import { StaffLimitsService } from './staff-limits.service';
import { IdParam } from '../common/ids';

@ApiTags('admin')
@ApiBearerAuth()
@Controller('admin/staff-limits')
export class StaffLimitsController {
  constructor(private readonly limits: StaffLimitsService) {}

  /** The alliance's limits (with every merchant's own), or those in force at one merchant. */
  @Get()
  @Roles('alliance_admin', 'merchant_admin')
  @ApiQuery({ name: 'merchantId', required: false })
  view(@CurrentPrincipal() who: Principal, @Query('merchantId') merchantId?: string): Promise<StaffLimits> {
    return this.limits.view(who, typeof merchantId === 'string' && merchantId ? merchantId : undefined);
  }

  @Put()
  @Roles('alliance_admin')
  set(@CurrentPrincipal() who: Principal, @Body() body: StaffLimitsDto): Promise<StaffLimits> {
    return this.limits.setAlliance(who, body);
  }

  /** Limits of one merchant's own, set by the alliance. */
  @Put('merchants/:merchantId')
  @Roles('alliance_admin')
  setMerchant(
    @CurrentPrincipal() who: Principal,
    @IdParam('merchantId', '商户') merchantId: string,
    @Body() body: StaffLimitValuesDto,
  ): Promise<StaffLimits> {
    return this.limits.setMerchant(who, merchantId, body);
  }

  @Delete('merchants/:merchantId')
  @Roles('alliance_admin')
  clearMerchant(
    @CurrentPrincipal() who: Principal,
    @IdParam('merchantId', '商户') merchantId: string,
  ): Promise<StaffLimits> {
    return this.limits.clearMerchant(who, merchantId);
  }
}
