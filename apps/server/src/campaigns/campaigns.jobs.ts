import { Injectable } from '@nestjs/common';
import { Cron, CronExpression } from '@nestjs/schedule';
import { JobLeases } from '../jobs/job-leases';
import { CAMPAIGN_TICK_MS, CampaignRunner } from './campaign-runner.service';

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
    // batches for up to 20 s per tick, well inside the 30 s lease (a batch takes well under a second);
    // a holder that dies leaves the lease to expire and the next tick of any replica goes on
    return this.leases.runExclusive('campaigns', 30_000, () =>
      this.runner.runDue(Infinity, CAMPAIGN_TICK_MS),
    );
  }
}
