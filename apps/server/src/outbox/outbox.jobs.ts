import { Injectable, Logger } from '@nestjs/common';
import { Cron, CronExpression } from '@nestjs/schedule';
import { JobLeases } from '../jobs/job-leases';
import { OutboxDispatcher } from './outbox.dispatcher';

@Injectable()
export class OutboxJobs {
  private readonly logger = new Logger(OutboxJobs.name);

  constructor(
    private readonly leases: JobLeases,
    private readonly dispatcher: OutboxDispatcher,
  ) {}

  async dispatch(now = new Date()) {
    const result = await this.dispatcher.dispatchDue(now);
    if (result.sent || result.retried || result.dead) this.logger.log(`outbox: ${JSON.stringify(result)}`);
    return result;
  }

  /** Every 5 s, one replica at a time; a run spends at most 40 s, inside its 60 s lease. */
  @Cron(CronExpression.EVERY_5_SECONDS, { name: 'outbox' })
  protected scheduledDispatch() {
    return this.leases.runExclusive('outbox', 60_000, () => this.dispatch());
  }
}
