import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { HealthController } from './health.controller';
import { RedisProbe } from './redis-probe';
import { ShutdownState } from './shutdown';

/** GET /health (the original check), /health/live and /health/ready (@nestjs/terminus), and the shutdown state. */
@Module({
  imports: [TerminusModule.forRoot({ logger: false })],
  controllers: [HealthController],
  providers: [RedisProbe, ShutdownState],
  exports: [ShutdownState],
})
export class HealthModule {}
