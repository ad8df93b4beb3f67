import { Injectable } from '@nestjs/common';
import { Cron } from '@nestjs/schedule';
import { Clock } from '../common/clock';
import { JobLeases } from '../jobs/job-leases';
import { RfmService } from './rfm.service';

/** The nightly R/F/M recomputation, at 03:30 Shanghai on one replica (the `rfm` lease). */
@Injectable()
export class RfmJobs {
  constructor(
    private readonly leases: JobLeases,
    private readonly rfm: RfmService,
    private readonly clock: Clock,
  ) {}

  @Cron('0 30 3 * * *', { name: 'rfm', timeZone: 'Asia/Shanghai' })
  protected scheduledRecompute() {
    return this.leases.runExclusive('rfm', 30 * 60_000, () => this.rfm.recomputeAll(this.clock.now()));
  }
}
