import { Injectable, Logger } from '@nestjs/common';
import { Cron, CronExpression } from '@nestjs/schedule';
import { JobLeases } from '../jobs/job-leases';
import { PaymentReconciler } from './payment-reconciler.service';
import { RefundsService } from './refunds.service';

@Injectable()
export class OrdersJobs {
  private readonly logger = new Logger(OrdersJobs.name);

  constructor(
    private readonly leases: JobLeases,
    private readonly payments: PaymentReconciler,
    private readonly refunds: RefundsService,
  ) {}

  /** Orders unpaid after 15 minutes: ask WeChat, then pay or close them (releasing coupon and points). */
  async settleStale(now = new Date()) {
    const result = await this.payments.settleStale(now);
    if (result.paid || result.closed || result.unknown)
      this.logger.log(`stale orders: ${JSON.stringify(result)}`);
    return result;
  }

  /** Refunds whose outcome never arrived: ask WeChat and apply its answer. */
  async settleRefunds(now = new Date()) {
    const result = await this.refunds.settleProcessing(now);
    if (result.applied || result.unknown) this.logger.log(`processing refunds: ${JSON.stringify(result)}`);
    return result;
  }

  /** On schedule: one replica at a time (see JobLeases). */
  @Cron(CronExpression.EVERY_MINUTE, { name: 'stale-orders' })
  protected scheduledSettleStale() {
    return this.leases.runExclusive('stale-orders', 50000, () => this.settleStale());
  }

  /** On schedule: one replica at a time (see JobLeases). */
  @Cron(CronExpression.EVERY_5_MINUTES, { name: 'processing-refunds' })
  protected scheduledSettleRefunds() {
    return this.leases.runExclusive('processing-refunds', 240000, () => this.settleRefunds());
  }
}
