import { Injectable, Logger } from '@nestjs/common';
import { Cron, CronExpression } from '@nestjs/schedule';
import { JobLeases } from '../jobs/job-leases';
import { CouponsService } from './coupons.service';
import { SharingService } from './sharing.service';

/** Scheduled settlement of coupon time limits; each run is idempotent (guarded updates). */
@Injectable()
export class CouponsJobs {
  private readonly logger = new Logger(CouponsJobs.name);

  constructor(
    private readonly leases: JobLeases,
    private readonly coupons: CouponsService,
    private readonly sharing: SharingService,
  ) {}

  async settleExpiry(now = new Date()): Promise<{ sharesReturned: number; couponsExpired: number }> {
    // Shares first: an expired share hands the coupon back, which may itself be past due.
    const sharesReturned = await this.sharing.expireDue(now);
    const couponsExpired = await this.coupons.expireDue(now);
    if (sharesReturned || couponsExpired)
      this.logger.log(`expired ${couponsExpired} coupons, returned ${sharesReturned} shares`);
    return { sharesReturned, couponsExpired };
  }

  /** On schedule: one replica at a time (see JobLeases). */
  @Cron(CronExpression.EVERY_MINUTE, { name: 'coupons-expiry' })
  protected scheduledSettleExpiry() {
    return this.leases.runExclusive('coupons-expiry', 50000, () => this.settleExpiry());
  }
}
