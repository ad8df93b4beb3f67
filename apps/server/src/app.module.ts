import { DynamicModule, Module, ModuleMetadata, RequestMethod } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { ThrottlerModule } from '@nestjs/throttler';
import { LoggerModule } from 'nestjs-pino';
import { AlliancesModule } from './alliances/alliances.module';
import { BenefitsModule } from './benefits/benefits.module';
import { AuthGuard, TokenService } from './common/auth';
import { CampaignsModule } from './campaigns/campaigns.module';
import { AppConfig } from './common/config';
import { Clock } from './common/clock';
import { MemberCodeKey, PhoneCipher } from './common/crypto';
import { IdempotencyModule } from './common/idempotency.jobs';
import { requestLogPrivacy } from './common/log-redaction';
import { RedisThrottlerStorage } from './common/redis-throttler-storage';
import { PrincipalThrottlerGuard, RATE_LIMITS } from './common/throttling';
import { DatabaseModule } from './database/database.module';
import { EventsModule } from './events/event-bus';
import { CounterModule } from './counter/counter.module';
import { CouponsModule } from './coupons/coupons.module';
import { HealthModule } from './health/health.module';
import { InvariantsModule } from './invariants/invariants.module';
import { JobLeasesModule } from './jobs/job-leases';
import { MallModule } from './mall/mall.module';
import { MessagesModule } from './messages/messages.module';
import { MetricsModule } from './metrics/metrics';
import { OnboardingModule } from './onboarding/onboarding.module';
import { OrdersModule } from './orders/orders.module';
import { OutboxModule } from './outbox/outbox.module';
import { PointsModule } from './points/points.module';
import { ScheduleModule } from '@nestjs/schedule';
import { MembersModule } from './members/members.module';
import { MemberDatabaseModule } from './member-database/member-database.module';
import { MerchantsModule } from './merchants/merchants.module';
import { DirectoryModule } from './directory/directory.module';
import { PrivacyModule } from './privacy/privacy.module';
import { QrCodesModule } from './qrcodes/qrcodes.module';
import { ReportsModule } from './reports/reports.module';
import { SeedModule } from './seed/seed.module';
import { SettlementModule } from './settlement/settlement.module';
import { StaffModule } from './staff/staff.module';
import { UploadsModule } from './uploads/uploads.module';
import { WechatModule } from './wechat/wechat.module';

/** Cross-cutting providers every feature module may inject. */
@Module({})
class CommonModule {
  static forRoot(): DynamicModule {
    return {
      module: CommonModule,
      global: true,
      imports: [JwtModule.register({})],
      providers: [TokenService, PhoneCipher, MemberCodeKey, Clock],
      exports: [TokenService, PhoneCipher, MemberCodeKey, Clock],
    };
  }
}

@Module({})
export class AppModule {
  /** `extra`: modules a test adds (say, a probe listening to domain events). */
  static forRoot(config: AppConfig, extra: ModuleMetadata['imports'] = []): DynamicModule {
    return {
      module: AppModule,
      imports: [
        LoggerModule.forRoot({
          // Named wildcard: the path-to-regexp of Express 5 no longer accepts a bare "*".
          forRoutes: [{ path: '{*path}', method: RequestMethod.ALL }],
          pinoHttp: {
            level: config.logLevel,
            ...requestLogPrivacy,
            // Probes and scrapes every few seconds would drown the log.
            autoLogging: { ignore: (req) => /^\/api\/v1\/health(\/|$)|^\/metrics$/.test(req.url ?? '') },
          },
        }),
        // Jobs are off in tests (JOBS=off), which call them directly with a chosen clock.
        ...(config.jobs ? [ScheduleModule.forRoot()] : []),
        ThrottlerModule.forRoot({
          throttlers: [{ name: 'default', ...RATE_LIMITS.default }],
          // Without Redis each process counts in its own memory (one process: `pnpm start`).
          storage: config.redis && new RedisThrottlerStorage(config.redis.url, config.redis.prefix),
        }),
        DatabaseModule.forRoot(config),
        CommonModule.forRoot(),
        EventsModule,
        JobLeasesModule,
        IdempotencyModule,
        OutboxModule,
        MetricsModule,
        WechatModule,
        AlliancesModule,
        MerchantsModule,
        StaffModule,
        QrCodesModule,
        MembersModule,
        PointsModule,
        CouponsModule,
        DirectoryModule,
        OnboardingModule,
        CounterModule,
        MallModule,
        UploadsModule,
        OrdersModule,
        SettlementModule,
        MemberDatabaseModule,
        CampaignsModule,
        ReportsModule,
        PrivacyModule,
        BenefitsModule,
        MessagesModule,
        InvariantsModule,
        SeedModule,
        HealthModule,
        ...extra,
      ],
      providers: [
        // Order matters: rate limits first (they also cover failed auth), then authentication.
        { provide: APP_GUARD, useClass: PrincipalThrottlerGuard },
        { provide: APP_GUARD, useClass: AuthGuard },
      ],
    };
  }
}
