import { Module } from '@nestjs/common';
import { AlliancesModule } from '../alliances/alliances.module';
import { MemberDatabaseModule } from '../member-database/member-database.module';
import { MerchantsModule } from '../merchants/merchants.module';
import { PointsModule } from '../points/points.module';
import { ReportsController } from './reports.controller';
import { ReportsService } from './reports.service';
import { SceneScansModule } from './scene-scans';

/** Reports: the overview, the acquisition funnel and the overview's CSV (issue 11). */
@Module({
  imports: [AlliancesModule, MerchantsModule, PointsModule, MemberDatabaseModule, SceneScansModule],
  controllers: [ReportsController],
  providers: [ReportsService],
})
export class ReportsModule {}
