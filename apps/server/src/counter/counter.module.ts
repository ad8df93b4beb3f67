import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { BenefitRulesModule } from '../benefits/benefit-rules';
import { CouponsModule } from '../coupons/coupons.module';
import { MemberDatabaseModule } from '../member-database/member-database.module';
import { MembersModule } from '../members/members.module';
import { MerchantsModule } from '../merchants/merchants.module';
import { PointsModule } from '../points/points.module';
import { StaffModule } from '../staff/staff.module';
import { CounterRecordsService } from './counter-records.service';
import { CounterVoidService } from './counter-void.service';
import { CounterDailyTotal } from './counter-daily-total.entity';
import { CounterController } from './counter.controller';
import { CounterService } from './counter.service';
import { Redemption } from './redemption.entity';
import { StaffActivityController } from './staff-activity.controller';
import { StaffActivityService } from './staff-activity.service';

@Module({
  imports: [
    TypeOrmModule.forFeature([Redemption, CounterDailyTotal]),
    MembersModule,
    MerchantsModule,
    CouponsModule,
    PointsModule,
    StaffModule,
    MemberDatabaseModule,
    BenefitRulesModule,
  ],
  controllers: [CounterController, StaffActivityController],
  providers: [CounterService, CounterVoidService, CounterRecordsService, StaffActivityService],
  exports: [CounterService],
})
export class CounterModule {}
