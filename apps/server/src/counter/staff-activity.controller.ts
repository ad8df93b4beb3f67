import { Controller, Get, Query } from '@nestjs/common';
import type { StaffActivityReport } from '@allycard/contracts';
import { ApiBearerAuth, ApiQuery, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Principal, Roles } from '../common/auth';
import { StaffActivityService } from './staff-activity.service';

const text = (value: unknown) => (typeof value === 'string' && value ? value : undefined);

@ApiTags('admin')
@ApiBearerAuth()
@Controller('admin/reports/staff-activity')
export class StaffActivityController {
  constructor(private readonly activity: StaffActivityService) {}

  /** Per staff account: counter purchases and refunds against its merchant's usual, flagged when far off. */
  @Get()
  @Roles('alliance_admin', 'merchant_admin')
  @ApiQuery({ name: 'from', required: false, example: '2026-11-01' })
  @ApiQuery({ name: 'to', required: false, example: '2026-12-01' })
  @ApiQuery({ name: 'merchantId', required: false })
  report(
    @CurrentPrincipal() who: Principal,
    @Query('from') from?: string,
    @Query('to') to?: string,
    @Query('merchantId') merchantId?: string,
  ): Promise<StaffActivityReport> {
    return this.activity.report(who, { from: text(from), to: text(to), merchantId: text(merchantId) });
  }
}
