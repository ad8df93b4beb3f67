import { Injectable, Logger } from '@nestjs/common';
import { Cron, CronExpression } from '@nestjs/schedule';
import { OrdersService } from './orders.service';
import { RefundsService } from './refunds.service';

@Injectable()
export class OrdersJobs {
  private readonly logger = new Logger(OrdersJobs.name);

  constructor(
    private readonly orders: OrdersService,
    private readonly refunds: RefundsService,
  ) {}

  /** Orders unpaid after 15 minutes: ask WeChat, then pay or close them (releasing coupon and points). */
  @Cron(CronExpression.EVERY_MINUTE, { name: 'stale-orders' })
  async settleStale(now = new Date()) {
    const result = await this.orders.settleStale(now);
    if (result.paid || result.closed || result.unknown)
      this.logger.log(`stale orders: ${JSON.stringify(result)}`);
    return result;
  }

  /** Refunds whose outcome never arrived: ask WeChat and apply its answer. */
  @Cron(CronExpression.EVERY_5_MINUTES, { name: 'processing-refunds' })
  async settleRefunds(now = new Date()) {
    const result = await this.refunds.settleProcessing(now);
    if (result.applied || result.unknown) this.logger.log(`processing refunds: ${JSON.stringify(result)}`);
    return result;
  }
}
