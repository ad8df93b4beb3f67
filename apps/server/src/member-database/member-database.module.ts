import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AlliancesModule } from '../alliances/alliances.module';
import { CouponsModule } from '../coupons/coupons.module';
import { MembersModule } from '../members/members.module';
import { PointsModule } from '../points/points.module';
import { StaffModule } from '../staff/staff.module';
import { AuditLogRow } from './audit-log.entity';
import { AuditLogService } from './audit-log.service';
import { LifecyclePolicies } from './lifecycle-policies.service';
import { LifecyclePolicyController } from './lifecycle-policy.controller';
import { LifecyclePolicyRow } from './lifecycle-policy.entity';
import { ListCursors } from './list-cursor';
import { MemberQuery } from './member-query';
import { MemberActionsService } from './member-actions.service';
import { MemberDetailService } from './member-detail.service';
import { MemberListService } from './member-list.service';
import { MembersAdminController } from './members-admin.controller';
import { MemberDatabaseListeners } from './member-database.listeners';
import { RfmJobs } from './rfm.jobs';
import { MemberRfmRow } from './rfm.entity';
import { RfmService } from './rfm.service';

/**
 * The operator's member database: list, detail and timeline, audited actions, the audit log, the
 * lifecycle policy, the member query that segments share with the list, and the R/F/M scores.
 */
@Module({
  imports: [
    TypeOrmModule.forFeature([AuditLogRow, LifecyclePolicyRow, MemberRfmRow]),
    AlliancesModule,
    MembersModule,
    PointsModule,
    CouponsModule,
    StaffModule,
  ],
  controllers: [MembersAdminController, LifecyclePolicyController],
  providers: [
    ListCursors,
    AuditLogService,
    MemberListService,
    MemberDetailService,
    MemberActionsService,
    MemberQuery,
    LifecyclePolicies,
    RfmService,
    RfmJobs,
    MemberDatabaseListeners,
  ],
  exports: [AuditLogService, MemberQuery, LifecyclePolicies, RfmService],
})
export class MemberDatabaseModule {}
