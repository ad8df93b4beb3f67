import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { MerchantsModule } from '../merchants/merchants.module';
import { Alliance } from './alliance.entity';
import { AlliancesService } from './alliances.service';
import { SettlementSettingsRow, StaffLimitsRow, StaffRefusalRow } from './staff-limits.entity';
import { StaffLimitsController } from './staff-limits.controller';
import { StaffLimitsService } from './staff-limits.service';
import { Tier } from './tier.entity';

/** Global: every module reads the alliance, its tiers and its staff limits. */
@Global()
@Module({
  imports: [
    TypeOrmModule.forFeature([Alliance, Tier, StaffLimitsRow, SettlementSettingsRow, StaffRefusalRow]),
    MerchantsModule,
  ],
  controllers: [StaffLimitsController],
  providers: [AlliancesService, StaffLimitsService],
  exports: [AlliancesService, StaffLimitsService],
})
export class AlliancesModule {}
