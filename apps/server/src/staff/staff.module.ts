import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { MerchantsModule } from '../merchants/merchants.module';
import { LoginAttempts } from './login-attempts';
import { StaffAccount } from './staff-account.entity';
import { StaffController } from './staff.controller';
import { StaffService } from './staff.service';

@Module({
  imports: [TypeOrmModule.forFeature([StaffAccount]), MerchantsModule],
  controllers: [StaffController],
  providers: [StaffService, LoginAttempts],
  exports: [StaffService],
})
export class StaffModule {}
