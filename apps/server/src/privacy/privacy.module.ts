import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AlliancesModule } from '../alliances/alliances.module';
import { CouponsModule } from '../coupons/coupons.module';
import { MemberDatabaseModule } from '../member-database/member-database.module';
import { MallModule } from '../mall/mall.module';
import { MessagesModule } from '../messages/messages.module';
import { MembersModule } from '../members/members.module';
import { OrdersModule } from '../orders/orders.module';
import { PointsModule } from '../points/points.module';
import { QrCodesModule } from '../qrcodes/qrcodes.module';
import { AccountService } from './account.service';
import { MemberConsent, PolicyVersion } from './policy.entities';
import { PolicyService } from './policy.service';
import { PrivacyController } from './privacy.controller';
import { RetentionJobs } from './retention.jobs';

/** Issue 15: the versioned policy and consents, the member's export and account closure. */
@Module({
  imports: [
    TypeOrmModule.forFeature([PolicyVersion, MemberConsent]),
    AlliancesModule,
    QrCodesModule,
    MembersModule,
    CouponsModule,
    OrdersModule,
    MallModule,
    PointsModule,
    MemberDatabaseModule,
    MessagesModule,
  ],
  controllers: [PrivacyController],
  providers: [PolicyService, AccountService, RetentionJobs],
  exports: [PolicyService],
})
export class PrivacyModule {}
