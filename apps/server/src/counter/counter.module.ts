import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CouponsModule } from '../coupons/coupons.module';
import { MembersModule } from '../members/members.module';
import { MerchantsModule } from '../merchants/merchants.module';
import { PointsModule } from '../points/points.module';
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
  ],
  controllers: [CounterController, StaffActivityController],
  providers: [CounterService, StaffActivityService],
  exports: [CounterService],
})
export class CounterModule {}
