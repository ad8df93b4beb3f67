import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CouponsModule } from '../coupons/coupons.module';
import { MembersModule } from '../members/members.module';
import { MerchantsModule } from '../merchants/merchants.module';
import { PointsModule } from '../points/points.module';
import { BenefitRulesModule } from './benefit-rules';
import {
  BenefitSettingsRow,
  BirthdayGift,
  PointsPromotionRow,
  SpendGetGrant,
  SpendGetRule,
  TaskCompletion,
} from './benefit.entities';
import { BenefitsController } from './benefits.controller';
import { BenefitsJobs } from './benefits.jobs';
import { BenefitsListeners } from './benefits.listeners';
import { BenefitsService } from './benefits.service';
import { BirthdayGiftsService } from './birthday-gifts.service';
import { PromotionsService } from './promotions.service';
import { SpendGetService } from './spend-get.service';
import { TasksService } from './tasks.service';

/** Member benefits (issue 13): birthday gifts, the member day, points promotions, spend-and-get, tasks. */
@Module({
  imports: [
    TypeOrmModule.forFeature([
      BenefitSettingsRow,
      BirthdayGift,
      TaskCompletion,
      PointsPromotionRow,
      SpendGetRule,
      SpendGetGrant,
    ]),
    BenefitRulesModule,
    MembersModule,
    MerchantsModule,
    PointsModule,
    CouponsModule,
  ],
  controllers: [BenefitsController],
  providers: [
    SpendGetService,
    PromotionsService,
    BenefitsService,
    BirthdayGiftsService,
    TasksService,
    BenefitsListeners,
    BenefitsJobs,
  ],
  exports: [BirthdayGiftsService],
})
export class BenefitsModule {}
