import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CouponsModule } from '../coupons/coupons.module';
import { MembersModule } from '../members/members.module';
import { PointsModule } from '../points/points.module';
import { CounterController } from './counter.controller';
import { CounterService } from './counter.service';
import { Redemption } from './redemption.entity';

@Module({
  imports: [TypeOrmModule.forFeature([Redemption]), MembersModule, CouponsModule, PointsModule],
  controllers: [CounterController],
  providers: [CounterService],
  exports: [CounterService],
})
export class CounterModule {}
