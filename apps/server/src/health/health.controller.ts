import { Controller, Get } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Health } from '@allycard/contracts';
import { DataSource } from 'typeorm';
import { DomainError } from '../common/errors';

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Liveness and database reachability, for load balancers and `pnpm start` users alike. */
  @Get()
  async check(): Promise<Health> {
    try {
      await this.dataSource.query('SELECT 1');
    } catch {
      throw new DomainError('INTERNAL_ERROR', 503, '数据库不可用');
    }
    return { status: 'ok', database: this.dataSource.options.type === 'mysql' ? 'mysql' : 'sqlite' };
  }
}
