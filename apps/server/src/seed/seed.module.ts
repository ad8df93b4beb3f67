import { Module } from '@nestjs/common';
import { MerchantsModule } from '../merchants/merchants.module';
import { QrCodesModule } from '../qrcodes/qrcodes.module';
import { StaffModule } from '../staff/staff.module';
import { BootstrapService } from './bootstrap.service';

@Module({ imports: [MerchantsModule, StaffModule, QrCodesModule], providers: [BootstrapService] })
export class SeedModule {}
