import { Injectable, Logger } from '@nestjs/common';
import { Cron, CronExpression } from '@nestjs/schedule';
import { JobLeases } from '../jobs/job-leases';
import { LoginAttempts } from './login-attempts';
import { RefreshTokens } from './refresh-tokens';

/** Drops failed-login counters and refresh tokens that no longer count for anything. */
@Injectable()
export class StaffJobs {
  private readonly logger = new Logger(StaffJobs.name);

  constructor(
    private readonly leases: JobLeases,
    private readonly attempts: LoginAttempts,
    private readonly refreshTokens: RefreshTokens,
  ) {}

  async purge(now = new Date()): Promise<{ loginFailures: number; refreshTokens: number }> {
    const loginFailures = await this.attempts.purge(now);
    const refreshTokens = await this.refreshTokens.purge(now);
    if (loginFailures || refreshTokens)
      this.logger.log(`purged ${loginFailures} login counters, ${refreshTokens} refresh tokens`);
    return { loginFailures, refreshTokens };
  }

  /** On schedule: one replica at a time (see JobLeases). */
  @Cron(CronExpression.EVERY_HOUR, { name: 'staff-purge' })
  protected scheduledPurge() {
    return this.leases.runExclusive('staff-purge', 50 * 60 * 1000, () => this.purge());
  }
}
