import { Module } from '@nestjs/common';
import { AlliancesModule } from '../alliances/alliances.module';
import { MemberDatabaseModule } from '../member-database/member-database.module';
import { MembersModule } from '../members/members.module';
import { MerchantsModule } from '../merchants/merchants.module';
import { PointsModule } from '../points/points.module';
import { DailyStatsService } from './daily-stats';
import { ReportsController } from './reports.controller';
import { ReportsJobs } from './reports.jobs';
import { ReportsListeners } from './reports.listeners';
import { ReportsService } from './reports.service';
import { SceneScansModule } from './scene-scans';

/**
 * Reports: the overview (from the daily stats the listeners keep and the nightly job rebuilds), the
 * acquisition funnel and the overview's CSV (issue 11).
 */
@Module({
  imports: [
    AlliancesModule,
    MembersModule,
    MerchantsModule,
    PointsModule,
    MemberDatabaseModule,
    SceneScansModule,
  ],
  controllers: [ReportsController],
  providers: [ReportsService, DailyStatsService, ReportsListeners, ReportsJobs],
})
export class ReportsModule {}
