import { Injectable, Logger } from '@nestjs/common';
import { Cron } from '@nestjs/schedule';
import { SharingService } from '../coupons/sharing.service';
import { JobLeases } from '../jobs/job-leases';

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * How long what the 隐私政策 promises to delete is kept (the demo policy's text quotes these). Expired
 * Idempotency-Key rows are deleted after a day by common/idempotency.jobs.ts, staff login failures and
 * refresh tokens by staff/staff.jobs.ts; a join is one transaction, so no abandoned attempt is stored.
 */
export const RETENTION = {
  /** a share that expired or was taken back: its token, sender and coupon */
  closedShareDays: 30,
};

/** Daily: deletes what the policy keeps for a limited time, through the owning modules. */
@Injectable()
export class RetentionJobs {
  private readonly logger = new Logger(RetentionJobs.name);

  constructor(
    private readonly leases: JobLeases,
    private readonly sharing: SharingService,
  ) {}

  async purge(now = new Date()): Promise<{ shares: number }> {
    const shares = await this.sharing.purgeClosedBefore(
      new Date(now.getTime() - RETENTION.closedShareDays * DAY_MS),
    );
    if (shares) this.logger.log(`retention: deleted ${shares} closed share tokens`);
    return { shares };
  }

  /** On schedule: one replica at a time (see JobLeases). */
  @Cron('0 30 4 * * *', { name: 'privacy-retention', timeZone: 'Asia/Shanghai' })
  protected scheduledPurge() {
    return this.leases.runExclusive('privacy-retention', 50 * 60 * 1000, () => this.purge());
  }
}
