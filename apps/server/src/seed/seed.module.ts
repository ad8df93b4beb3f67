import { Module } from '@nestjs/common';
import { CounterModule } from '../counter/counter.module';
import { CouponsModule } from '../coupons/coupons.module';
import { MallModule } from '../mall/mall.module';
import { MembersModule } from '../members/members.module';
import { MerchantsModule } from '../merchants/merchants.module';
import { MessagesModule } from '../messages/messages.module';
import { PrivacyModule } from '../privacy/privacy.module';
import { QrCodesModule } from '../qrcodes/qrcodes.module';
import { StaffModule } from '../staff/staff.module';
import { BootstrapService } from './bootstrap.service';
import { DemoSeedService } from './demo-seed.service';

@Module({
  imports: [
    MerchantsModule,
    StaffModule,
    QrCodesModule,
    MembersModule,
    CouponsModule,
    CounterModule,
    MallModule,
    PrivacyModule,
    MessagesModule,
  ],
  providers: [BootstrapService, DemoSeedService],
})
export class SeedModule {}
