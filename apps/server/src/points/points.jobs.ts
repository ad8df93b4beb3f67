import { Injectable, Logger } from '@nestjs/common';
import { Cron, CronExpression } from '@nestjs/schedule';
import { JobLeases } from '../jobs/job-leases';
import { InjectRepository } from '@nestjs/typeorm';
import { LessThanOrEqual, MoreThan, Repository } from 'typeorm';
import { AlliancesService } from '../alliances/alliances.service';
import { TransactionRunner } from '../common/transactions';
import { LedgerReversalsService } from './ledger-reversals.service';
import { PointsLot } from './points.entities';
import { TiersService } from './tiers.service';

const BATCH = 500;

/** Points expiry and the tier review. Both are idempotent and resumable: a crash mid-run loses nothing. */
@Injectable()
export class PointsJobs {
  private readonly logger = new Logger(PointsJobs.name);

  constructor(
    private readonly leases: JobLeases,
    @InjectRepository(PointsLot) private readonly lots: Repository<PointsLot>,
    private readonly reversals: LedgerReversalsService,
    private readonly tiers: TiersService,
    private readonly alliances: AlliancesService,
    private readonly tx: TransactionRunner,
  ) {}

  /** Moves what is left of every due lot to breakage, one lot per transaction. */
  async expireDue(now = new Date()): Promise<{ lots: number; points: number }> {
    let lots = 0;
    let points = 0;
    for (;;) {
      const due = await this.lots.find({
        where: { remaining: MoreThan(0), expiresAt: LessThanOrEqual(now) },
        order: { id: 'ASC' },
        take: BATCH,
      });
      if (!due.length) break;
      for (const lot of due) {
        const expired = await this.tx.run((em) => this.reversals.expireLot(em, lot, now));
        if (expired) {
          lots++;
          points += expired;
        }
      }
      if (due.length < BATCH) break;
    }
    if (lots) this.logger.log(`expired ${points} points in ${lots} lots`);
    return { lots, points };
  }

  /** Daily at 03:00 Asia/Shanghai: tiers follow the rolling 12-month spend, down as well as up. */
  async reviewTiers(now = new Date()): Promise<number> {
    let changed = 0;
    for (const alliance of await this.alliances.findAll())
      changed += await this.tiers.review(alliance.id, now);
    if (changed) this.logger.log(`tier review moved ${changed} members`);
    return changed;
  }

  /** On schedule: one replica at a time (see JobLeases). */
  @Cron(CronExpression.EVERY_10_MINUTES, { name: 'points-expiry' })
  protected scheduledExpireDue() {
    return this.leases.runExclusive('points-expiry', 540000, () => this.expireDue());
  }

  /** On schedule: one replica at a time (see JobLeases). */
  @Cron('0 0 3 * * *', { name: 'tier-review', timeZone: 'Asia/Shanghai' })
  protected scheduledReviewTiers() {
    return this.leases.runExclusive('tier-review', 3000000, () => this.reviewTiers());
  }
}
