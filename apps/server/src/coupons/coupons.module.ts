import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { MembersModule } from '../members/members.module';
import { MerchantsModule } from '../merchants/merchants.module';
import { PointsModule } from '../points/points.module';
import { CouponTemplate, CouponTemplateMerchant } from './coupon-template.entity';
import { CouponTemplatesService } from './coupon-templates.service';
import { CouponIssuingService } from './coupon-issuing.service';
import { CouponOffersService } from './coupon-offers.service';
import { CouponUsageService } from './coupon-usage.service';
import { CouponRow, CouponShare } from './coupon.entity';
import { CouponsController } from './coupons.controller';
import { CouponsJobs } from './coupons.jobs';
import { CouponsListeners } from './coupons.listeners';
import { CouponsService } from './coupons.service';
import { ReferralReward, ReferralRule } from './referral.entities';
import { ReferralService } from './referral.service';
import { JoiningService } from './joining.service';
import { SharingService } from './sharing.service';

@Module({
  imports: [
    TypeOrmModule.forFeature([
      CouponTemplate,
      CouponTemplateMerchant,
      CouponRow,
      CouponShare,
      ReferralRule,
      ReferralReward,
    ]),
    MembersModule,
    MerchantsModule,
    PointsModule,
  ],
  controllers: [CouponsController],
  providers: [
    CouponTemplatesService,
    CouponsService,
    CouponIssuingService,
    CouponOffersService,
    CouponUsageService,
    JoiningService,
    SharingService,
    ReferralService,
    CouponsJobs,
    CouponsListeners,
  ],
  exports: [
    CouponsService,
    CouponIssuingService,
    CouponOffersService,
    CouponUsageService,
    JoiningService,
    SharingService,
    CouponTemplatesService,
    ReferralService,
  ],
})
export class CouponsModule {}
