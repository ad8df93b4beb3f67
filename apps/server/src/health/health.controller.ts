import { Controller, Get } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Health } from '@allycard/contracts';
import { DataSource } from 'typeorm';
import { DomainError } from '../common/errors';
import { OutboxService } from '../outbox/outbox.service';

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly outbox: OutboxService,
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
}
