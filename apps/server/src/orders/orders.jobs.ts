import { Injectable, Logger } from '@nestjs/common';
import { Cron, CronExpression } from '@nestjs/schedule';
import { OrdersService } from './orders.service';

@Injectable()
export class OrdersJobs {
  private readonly logger = new Logger(OrdersJobs.name);

  constructor(private readonly orders: OrdersService) {}

  /** Orders unpaid after 15 minutes: ask WeChat, then pay or close them (releasing coupon and points). */
  @Cron(CronExpression.EVERY_MINUTE, { name: 'stale-orders' })
  async settleStale(now = new Date()) {
    const result = await this.orders.settleStale(now);
    if (result.paid || result.closed || result.unknown)
      this.logger.log(`stale orders: ${JSON.stringify(result)}`);
    return result;
  }
}
