import { Injectable } from '@nestjs/common';
import { Cron, CronExpression } from '@nestjs/schedule';
import { JobLeases } from '../jobs/job-leases';
import { CampaignRunner } from './campaign-runner.service';

/**
 * Running campaigns advance every 5 s on one replica (the `campaigns` lease). A replica that dies
 * mid-batch leaves its lease to expire and its targets pending; the next holder goes on from there.
 * The targets' guarded updates keep even two holders from acting on a member twice.
 */
@Injectable()
export class CampaignsJobs {
  constructor(
    private readonly leases: JobLeases,
    private readonly runner: CampaignRunner,
  ) {}

  @Cron(CronExpression.EVERY_5_SECONDS, { name: 'campaigns' })
  protected scheduledRun() {
    // a long launch keeps the lease for at most 50 batches, then lets the next tick (any replica) go on
    return this.leases.runExclusive('campaigns', 120_000, () => this.runner.runDue(50));
  }
}
