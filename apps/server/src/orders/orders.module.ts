import { BenefitRulesModule } from '../benefits/benefit-rules';
import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CounterModule } from '../counter/counter.module';
import { CouponsModule } from '../coupons/coupons.module';
import { MembersModule } from '../members/members.module';
import { MerchantsModule } from '../merchants/merchants.module';
import { PointsModule } from '../points/points.module';
import { WechatPayClient } from '../wechat/wechat-pay.client';
import { Order, PaymentEvent, Refund } from './order.entities';
import { OrderCloseSender } from './order-close.sender';
import { OrdersController } from './orders.controller';
import { OrdersJobs } from './orders.jobs';
import { CheckoutService } from './checkout.service';
import { OrderLifecycleService } from './order-lifecycle.service';
import { OrderPricingService } from './order-pricing.service';
import { OrdersService } from './orders.service';
import { PaymentReconciler } from './payment-reconciler.service';
import { PaymentsService } from './payments.service';
import { RefundsService } from './refunds.service';

@Module({
  imports: [
    TypeOrmModule.forFeature([Order, Refund, PaymentEvent]),
    MembersModule,
    MerchantsModule,
    CouponsModule,
    CounterModule,
    PointsModule,
    BenefitRulesModule,
  ],
  controllers: [OrdersController],
  providers: [
    WechatPayClient,
    OrdersService,
    OrderPricingService,
    OrderLifecycleService,
    PaymentReconciler,
    CheckoutService,
    RefundsService,
    PaymentsService,
    OrdersJobs,
    OrderCloseSender,
  ],
  exports: [CheckoutService, OrdersService, PaymentReconciler],
})
export class OrdersModule {}
