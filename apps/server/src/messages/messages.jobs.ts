import { Injectable, Logger } from '@nestjs/common';
import { Cron } from '@nestjs/schedule';
import { businessDate } from '@allycard/domain';
import { Clock } from '../common/clock';
import { TransactionRunner } from '../common/transactions';
import { CouponsService } from '../coupons/coupons.service';
import { JobLeases } from '../jobs/job-leases';
import { MembersService } from '../members/members.service';
import { PointsService } from '../points/points.service';
import { KindMessages } from './kind-messages.service';

const DAY_MS = 86_400_000;
/** 优惠券即将过期: coupons ending within this many days. */
export const COUPON_REMINDER_DAYS = 3;
/** 积分清零: points expiring within this many days. */
export const POINTS_REMINDER_DAYS = 30;
const BATCH = 200;

/**
 * The daily reminders. Each coupon and each member's expiry date is one cause, so running twice (or
 * on two replicas, or daily while the coupon stays within 3 days) sends one message.
 */
@Injectable()
export class MessagesJobs {
  private readonly logger = new Logger(MessagesJobs.name);

  constructor(
    private readonly leases: JobLeases,
    private readonly kinds: KindMessages,
    private readonly coupons: CouponsService,
    private readonly points: PointsService,
    private readonly members: MembersService,
    private readonly tx: TransactionRunner,
    private readonly clock: Clock,
  ) {}

  async remindExpiringCoupons(now = this.clock.now()): Promise<number> {
    let queued = 0;
    for (let after = '0'; ;) {
      const batch = await this.coupons.expiringBetween(
        now,
        new Date(now.getTime() + COUPON_REMINDER_DAYS * DAY_MS),
        after,
        BATCH,
      );
      for (const coupon of batch) {
        const outcome = await this.tx.run((em) =>
          this.kinds.send(em, {
            allianceId: coupon.allianceId,
            memberId: coupon.memberId,
            kind: 'coupon_expiring',
            cause: coupon.id,
            values: { couponTitle: coupon.title, validUntil: coupon.validUntil },
          }),
        );
        if (outcome?.queued) queued++;
      }
      if (batch.length < BATCH) return queued;
      after = batch[batch.length - 1].id;
    }
  }

  async remindExpiringPoints(now = this.clock.now()): Promise<number> {
    let queued = 0;
    for (let after = '0'; ;) {
      const batch = await this.points.expiringBetween(
        now,
        new Date(now.getTime() + POINTS_REMINDER_DAYS * DAY_MS),
        after,
        BATCH,
      );
      for (const lot of batch) {
        const member = await this.members.findInAlliance(lot.allianceId, lot.memberId);
        if (!member) continue;
        const outcome = await this.tx.run((em) =>
          this.kinds.send(em, {
            allianceId: lot.allianceId,
            memberId: lot.memberId,
            kind: 'points_expiring',
            // one reminder per member and expiry date
            cause: `${lot.memberId}:${businessDate(lot.expiresAt)}`,
            values: { points: lot.points, expiresAt: lot.expiresAt, balance: member.points },
          }),
        );
        if (outcome?.queued) queued++;
      }
      if (batch.length < BATCH) return queued;
      after = batch[batch.length - 1].memberId;
    }
  }

  async remind(now = this.clock.now()) {
    const result = {
      coupons: await this.remindExpiringCoupons(now),
      points: await this.remindExpiringPoints(now),
    };
    if (result.coupons || result.points) this.logger.log(`reminders queued: ${JSON.stringify(result)}`);
    return result;
  }

  /** Daily at 10:00 Shanghai, inside the hours a message may arrive; one replica at a time. */
  @Cron('0 0 10 * * *', { name: 'messages-reminders', timeZone: 'Asia/Shanghai' })
  protected scheduledRemind() {
    return this.leases.runExclusive('messages-reminders', 600_000, () => this.remind());
  }
}
