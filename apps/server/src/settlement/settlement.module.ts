import { Controller, Get, Module, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { CurrentPrincipal, Principal, Roles } from '../common/auth';
import { MerchantsModule } from '../merchants/merchants.module';
import { PointsModule } from '../points/points.module';
import { SettlementEntriesModule } from './settlement-entries.service';
import { SettlementListeners } from './settlement.listeners';
import { SettlementService } from './settlement.service';

@ApiTags('admin')
@ApiBearerAuth()
@Controller('admin/reports/settlement')
export class SettlementController {
  constructor(private readonly settlement: SettlementService) {}

  /** Per-merchant positions for a period (default: this month in Asia/Shanghai); `format=csv` for a file. */
  @Get()
  @Roles('alliance_admin', 'merchant_admin')
  @ApiQuery({ name: 'from', required: false, example: '2026-11-01' })
  @ApiQuery({ name: 'to', required: false, example: '2026-12-01' })
  @ApiQuery({ name: 'format', required: false, enum: ['json', 'csv'] })
  async report(
    @CurrentPrincipal() who: Principal,
    @Res({ passthrough: true }) res: Response,
    @Query('from') from?: string,
    @Query('to') to?: string,
    @Query('format') format?: string,
  ) {
    const report = await this.settlement.report(
      who,
      typeof from === 'string' ? from : undefined,
      typeof to === 'string' ? to : undefined,
    );
    if (format !== 'csv') return report;
    res.setHeader('content-type', 'text/csv; charset=utf-8');
    res.setHeader('content-disposition', `attachment; filename="settlement-${report.from.slice(0, 10)}.csv"`);
    return this.settlement.toCsv(report);
  }
}

@Module({
  imports: [SettlementEntriesModule, MerchantsModule, PointsModule],
  controllers: [SettlementController],
  providers: [SettlementService, SettlementListeners],
})
export class SettlementModule {}
