import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CouponsModule } from '../coupons/coupons.module';
import { MembersModule } from '../members/members.module';
import { MerchantsModule } from '../merchants/merchants.module';
import { OrdersModule } from '../orders/orders.module';
import { PointsModule } from '../points/points.module';
import { MallController } from './mall.controller';
import { MallItem, MallMemberCount, MallOrder } from './mall.entities';
import { MallListeners } from './mall.listeners';
import { MallCatalogueService } from './mall-catalogue.service';
import { MallRedemptionService } from './mall-redemption.service';

@Module({
  imports: [
    TypeOrmModule.forFeature([MallItem, MallMemberCount, MallOrder]),
    MembersModule,
    MerchantsModule,
    PointsModule,
    CouponsModule,
    OrdersModule,
  ],
  controllers: [MallController],
  providers: [MallCatalogueService, MallRedemptionService, MallListeners],
  exports: [MallCatalogueService, MallRedemptionService],
})
export class MallModule {}
