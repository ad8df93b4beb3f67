import { Injectable } from '@nestjs/common';
import { Cron } from '@nestjs/schedule';
import { JobLeases } from '../jobs/job-leases';
import { BirthdayGiftsService } from './birthday-gifts.service';

/** The birthday gifts of the day, at its start in Asia/Shanghai. */
@Injectable()
export class BenefitsJobs {
  constructor(
    private readonly leases: JobLeases,
    private readonly gifts: BirthdayGiftsService,
  ) {}

  /** On schedule: one replica at a time (see JobLeases); the unique key keeps a rerun harmless anyway. */
  @Cron('0 1 0 * * *', { name: 'birthday-gifts', timeZone: 'Asia/Shanghai' })
  protected scheduledBirthdayGifts() {
    return this.leases.runExclusive('birthday-gifts', 3000000, () => this.gifts.issueDue());
  }
}
