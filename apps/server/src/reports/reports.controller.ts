import { Controller, Get, HttpCode, Post, Query, Res } from '@nestjs/common';
import type { DailyStatsRebuild, ReportsAcquisition, ReportsOverview } from '@allycard/contracts';
import { ApiBearerAuth, ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { CurrentPrincipal, Principal, Roles } from '../common/auth';
import { TransactionRunner } from '../common/transactions';
import { AuditLogService } from '../member-database/audit-log.service';
import { AcquisitionQueryDto, OverviewQueryDto } from './dto/reports.dto';
import { overviewCsv } from './reports-csv';
import { DailyStatsService } from './daily-stats';
import { ReportsService } from './reports.service';

/** The figures an alliance is judged by (contract: "Operating the alliance", reports). */
@ApiTags('admin: reports')
@ApiBearerAuth()
@Controller('admin/reports')
export class ReportsController {
  constructor(
    private readonly reports: ReportsService,
    private readonly audit: AuditLogService,
    private readonly tx: TransactionRunner,
    private readonly stats: DailyStatsService,
  ) {}

  @Get('overview')
  @Roles('alliance_admin', 'merchant_admin')
  @ApiOkResponse({ description: 'ReportsOverview: counts of the period, money in fen, rates in per mille' })
  overview(@CurrentPrincipal() who: Principal, @Query() query: OverviewQueryDto): Promise<ReportsOverview> {
    return this.reports.overview(who, query);
  }

  /** The overview's daily series as CSV; every export is audited. */
  @Get('overview.csv')
  @Roles('alliance_admin', 'merchant_admin')
  @ApiProduces('text/csv')
  async overviewCsv(
    @CurrentPrincipal() who: Principal,
    @Query() query: OverviewQueryDto,
    @Res() res: Response,
  ) {
    await overviewCsv(res, who, query, this.reports, this.audit, this.tx);
  }

  @Get('acquisition')
  @Roles('alliance_admin', 'merchant_admin')
  @ApiOkResponse({ description: '{rows: AcquisitionRow[]}: scans, joins, first purchases, repeaters' })
  acquisition(
    @CurrentPrincipal() who: Principal,
    @Query() query: AcquisitionQueryDto,
  ): Promise<ReportsAcquisition> {
    return this.reports.acquisition(who, query);
  }

  /** Recomputes the alliance's daily stats from the source tables now (the nightly job does it too). */
  @Post('daily-stats/rebuild')
  @HttpCode(200)
  @Roles('alliance_admin')
  @ApiOkResponse({
    description: 'DailyStatsRebuild: the members and member days the stats were rebuilt from',
  })
  rebuild(@CurrentPrincipal() who: Principal): Promise<DailyStatsRebuild> {
    return this.stats.rebuild(who.allianceId);
  }
}
