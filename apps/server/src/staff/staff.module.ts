import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { StaffSessions } from '../common/auth';
import { MerchantsModule } from '../merchants/merchants.module';
import { LoginAttempts, LoginFailure } from './login-attempts';
import { RefreshTokens, StaffRefreshToken } from './refresh-tokens';
import { StaffAccount } from './staff-account.entity';
import { StaffAdminController } from './staff-admin.controller';
import { StaffController } from './staff.controller';
import { StaffJobs } from './staff.jobs';
import { StaffService } from './staff.service';

@Module({
  imports: [TypeOrmModule.forFeature([StaffAccount, LoginFailure, StaffRefreshToken]), MerchantsModule],
  controllers: [StaffController, StaffAdminController],
  providers: [
    StaffService,
    LoginAttempts,
    RefreshTokens,
    StaffJobs,
    // The global AuthGuard asks the staff module whether a staff token is still good.
    { provide: StaffSessions, useExisting: StaffService },
  ],
  exports: [StaffService, StaffSessions],
})
export class StaffModule {}
