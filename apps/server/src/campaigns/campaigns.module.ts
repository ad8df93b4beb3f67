import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CouponsModule } from '../coupons/coupons.module';
import { MemberDatabaseModule } from '../member-database/member-database.module';
import { MembersModule } from '../members/members.module';
import { MerchantsModule } from '../merchants/merchants.module';
import { MessagesModule } from '../messages/messages.module';
import { PointsModule } from '../points/points.module';
import { CampaignMessages } from './campaign-messages';
import { CampaignReportService } from './campaign-report.service';
import { CampaignRunner } from './campaign-runner.service';
import { CampaignRow, CampaignTarget, SegmentRow } from './campaign.entities';
import { CampaignsController } from './campaigns.controller';
import { CampaignsJobs } from './campaigns.jobs';
import { CampaignsService } from './campaigns.service';
import { SegmentsService } from './segments.service';

/** Segments, campaigns and their frozen audiences (issue 12). */
@Module({
  imports: [
    TypeOrmModule.forFeature([SegmentRow, CampaignRow, CampaignTarget]),
    MemberDatabaseModule,
    MembersModule,
    CouponsModule,
    PointsModule,
    MerchantsModule,
    MessagesModule,
  ],
  controllers: [CampaignsController],
  providers: [
    SegmentsService,
    CampaignsService,
    CampaignRunner,
    CampaignReportService,
    CampaignMessages,
    CampaignsJobs,
  ],
  exports: [CampaignRunner],
})
export class CampaignsModule {}
