import { BenefitRulesModule } from '../benefits/benefit-rules';
import { Module, OnModuleInit } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { MembersModule } from '../members/members.module';
import { MemberProfileService } from '../members/member-profile.service';
import { MerchantsModule } from '../merchants/merchants.module';
import { LedgerReversalsService } from './ledger-reversals.service';
import { LedgerService } from './ledger.service';
import { PointsController } from './points.controller';
import {
  PointsLot,
  PointsLotUse,
  PointsPolicyRow,
  PointsPosting,
  PointsTransaction,
  SpendEntry,
} from './points.entities';
import { PointsJobs } from './points.jobs';
import { PointsService } from './points.service';
import { PurchasesService } from './purchases.service';
import { TiersService } from './tiers.service';

@Module({
  imports: [
    TypeOrmModule.forFeature([
      PointsPolicyRow,
      PointsTransaction,
      PointsPosting,
      PointsLot,
      PointsLotUse,
      SpendEntry,
    ]),
    MembersModule,
    MerchantsModule,
    BenefitRulesModule,
  ],
  controllers: [PointsController],
  providers: [
    LedgerService,
    LedgerReversalsService,
    TiersService,
    PurchasesService,
    PointsService,
    PointsJobs,
  ],
  exports: [LedgerService, LedgerReversalsService, TiersService, PurchasesService, PointsService],
})
export class PointsModule implements OnModuleInit {
  constructor(
    private readonly profiles: MemberProfileService,
    private readonly tiers: TiersService,
  ) {}

  onModuleInit() {
    // The card's tier progress ("再消费 ¥320 升级金卡") needs the rolling spend kept here.
    this.profiles.rollingSpendWith((member) => this.tiers.rollingSpendFen(member.id));
  }
}
