import { Injectable, Logger, Module } from '@nestjs/common';
import { Cron, CronExpression } from '@nestjs/schedule';
import { TypeOrmModule } from '@nestjs/typeorm';
import { In, LessThan } from 'typeorm';
import { JobLeases } from '../jobs/job-leases';
import { IDEMPOTENCY_TTL_MS, IdempotencyKey } from './idempotency';
import { TransactionRunner } from './transactions';

/** Deletes Idempotency-Key rows past their day, in small batches so no long lock is held. */
@Injectable()
export class IdempotencyJobs {
  private readonly logger = new Logger(IdempotencyJobs.name);

  constructor(
    private readonly leases: JobLeases,
    private readonly tx: TransactionRunner,
  ) {}

  async purgeExpired(now = new Date(), batchSize = 500): Promise<number> {
    const cutoff = LessThan(new Date(now.getTime() - IDEMPOTENCY_TTL_MS));
    let purged = 0;
    for (;;) {
      const deleted = await this.tx.run(async (em) => {
        const batch = await em.find(IdempotencyKey, {
          select: { id: true },
          where: { createdAt: cutoff },
          order: { id: 'ASC' },
          take: batchSize,
        });
        if (!batch.length) return 0;
        const result = await em.delete(IdempotencyKey, { id: In(batch.map((k) => k.id)), createdAt: cutoff });
        return result.affected ?? 0;
      });
      purged += deleted;
      if (deleted < batchSize) break;
    }
    if (purged) this.logger.log(`purged ${purged} expired idempotency keys`);
    return purged;
  }

  /** On schedule: one replica at a time (see JobLeases). */
  @Cron(CronExpression.EVERY_HOUR, { name: 'idempotency-purge' })
  protected scheduledPurge() {
    return this.leases.runExclusive('idempotency-purge', 50 * 60 * 1000, () => this.purgeExpired());
  }
}

@Module({ imports: [TypeOrmModule.forFeature([IdempotencyKey])], providers: [IdempotencyJobs] })
export class IdempotencyModule {}
