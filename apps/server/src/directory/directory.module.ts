import { Module } from '@nestjs/common';
import { AlliancesModule } from '../alliances/alliances.module';
import { CouponsModule } from '../coupons/coupons.module';
import { MembersModule } from '../members/members.module';
import { MerchantsModule } from '../merchants/merchants.module';
import { PointsModule } from '../points/points.module';
import { DirectoryController } from './directory.controller';
import { DirectoryService } from './directory.service';

/** 联盟商户: reads merchants, coupons, tiers and points through their services; owns no table. */
@Module({
  imports: [MerchantsModule, MembersModule, CouponsModule, AlliancesModule, PointsModule],
  controllers: [DirectoryController],
  providers: [DirectoryService],
  exports: [DirectoryService],
})
export class DirectoryModule {}
