import { Injectable } from '@nestjs/common';
import { Cron } from '@nestjs/schedule';
import { JobLeases } from '../jobs/job-leases';
import { DailyStatsService } from './daily-stats';

/** The daily stats rebuilt from the source tables every night (they are kept current by events). */
@Injectable()
export class ReportsJobs {
  constructor(
    private readonly leases: JobLeases,
    private readonly stats: DailyStatsService,
  ) {}

  /** On schedule, one replica at a time (see JobLeases); a rebuild is idempotent anyway. */
  @Cron('0 30 4 * * *', { name: 'daily-stats-rebuild', timeZone: 'Asia/Shanghai' })
  protected scheduledRebuild() {
    return this.leases.runExclusive('daily-stats-rebuild', 3_600_000, () => this.stats.rebuildAll());
  }
}
