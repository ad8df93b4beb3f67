import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AlliancesModule } from '../alliances/alliances.module';
import { CouponsModule } from '../coupons/coupons.module';
import { MembersModule } from '../members/members.module';
import { PointsModule } from '../points/points.module';
import { StaffModule } from '../staff/staff.module';
import { AuditLogRow } from './audit-log.entity';
import { AuditLogService } from './audit-log.service';
import { ListCursors } from './list-cursor';
import { MemberActionsService } from './member-actions.service';
import { MemberDetailService } from './member-detail.service';
import { MemberListService } from './member-list.service';
import { MembersAdminController } from './members-admin.controller';

/** The operator's member database: list, detail and timeline, audited actions, the audit log. */
@Module({
  imports: [
    TypeOrmModule.forFeature([AuditLogRow]),
    AlliancesModule,
    MembersModule,
    PointsModule,
    CouponsModule,
    StaffModule,
  ],
  controllers: [MembersAdminController],
  providers: [ListCursors, AuditLogService, MemberListService, MemberDetailService, MemberActionsService],
  exports: [AuditLogService],
})
export class MemberDatabaseModule {}
