import { Controller, Get, Inject, ServiceUnavailableException } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  HealthCheck,
  HealthCheckService,
  HealthIndicatorService,
  TypeOrmHealthIndicator,
} from '@nestjs/terminus';
import type { Health, HealthCheck as HealthAnswer } from '@allycard/contracts';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '../common/config';
import { DomainError } from '../common/errors';
import { OutboxService } from '../outbox/outbox.service';
import { RedisProbe } from './redis-probe';
import { ShutdownState } from './shutdown';

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly outbox: OutboxService,
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly db: TypeOrmHealthIndicator,
    private readonly redis: RedisProbe,
    private readonly shutdown: ShutdownState,
  ) {}

  /**
   * Liveness and database reachability, for load balancers and `pnpm start` users alike. Dead outbox
   * messages make it `degraded` but still 200: they need a person, and taking replicas out of the
   * load balancer would not send them.
   */
  @Get()
  async check(): Promise<Health> {
    let outbox: Health['outbox'];
    try {
      outbox = await this.outbox.counts();
    } catch {
      throw new DomainError('INTERNAL_ERROR', 503, '数据库不可用');
    }
    return {
      status: outbox.dead > 0 ? 'degraded' : 'ok',
      database: this.dataSource.options.type === 'mysql' ? 'mysql' : 'sqlite',
      outbox,
    };
  }

  /** Liveness (the kubelet restarts a process that fails it): the process answers; no dependency is asked. */
  @Get('live')
  @HealthCheck()
  async live(): Promise<HealthAnswer> {
    return (await this.health.check([])) as HealthAnswer;
  }

  /**
   * Readiness (the load balancer sends requests only to a ready replica): the database answers, Redis
   * answers when REDIS_URL is set, the outbox dispatcher keeps up (no due message waiting longer than
   * READY_OUTBOX_LAG_S), and the process is not shutting down. Not ready: 503 SERVICE_UNAVAILABLE in
   * the envelope, terminus' report in `details`.
   */
  @Get('ready')
  @HealthCheck()
  async ready(): Promise<HealthAnswer> {
    try {
      // terminus types its reports as Partial records (values possibly undefined); it never leaves one out
      return (await this.health.check([
        () => this.notDraining(),
        () => this.db.pingCheck('database', { timeout: 1500 }),
        ...(this.redis.configured ? [() => this.redisPing()] : []),
        () => this.outboxLag(),
      ])) as HealthAnswer;
    } catch (error) {
      if (error instanceof ServiceUnavailableException)
        throw new DomainError('SERVICE_UNAVAILABLE', 503, '服务暂不可用，请稍后再试', error.getResponse());
      throw error;
    }
  }

  private notDraining() {
    const session = this.indicators.check('shutdown');
    return this.shutdown.draining ? session.down('shutting down') : session.up();
  }

  private async redisPing() {
    const session = this.indicators.check('redis');
    try {
      await this.redis.ping();
      return session.up();
    } catch (error) {
      return session.down((error as Error).message);
    }
  }

  private async outboxLag() {
    const session = this.indicators.check('outbox');
    const maxLagSeconds = this.config.readyOutboxLagMs / 1000;
    try {
      const backlog = await this.outbox.backlog();
      const lagSeconds = backlog.oldestDueAt
        ? Math.max(0, Math.round((Date.now() - backlog.oldestDueAt.getTime()) / 1000))
        : 0;
      const data = { pending: backlog.pending, dead: backlog.dead, lagSeconds, maxLagSeconds };
      return lagSeconds > maxLagSeconds
        ? session.down({ ...data, message: 'the outbox dispatcher is behind' })
        : session.up(data);
    } catch (error) {
      return session.down({ message: (error as Error).message });
    }
  }
}
