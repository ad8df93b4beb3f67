import { BeforeApplicationShutdown, Global, Injectable, Logger, Module, Optional } from '@nestjs/common';
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { Column, Entity, LessThan, MoreThan } from 'typeorm';
import { TypeOrmModule } from '@nestjs/typeorm';
import { TransactionRunner } from '../common/transactions';
import { Metrics } from '../metrics/metrics';

@Entity('job_leases')
export class JobLease {
  @Column({ primary: true })
  name: string;

  @Column()
  owner: string;

  @Column({ type: 'datetime' })
  expiresAt: Date;
}

/**
 * Each scheduled job runs on one replica at a time: a replica takes the job's lease with a guarded
 * update (only an expired lease can be taken) and gives it back when done. The jobs are idempotent
 * anyway; the lease keeps replicas from doing the same work twice. (Redis can replace this table when
 * the deployment has one; the database is enough for a handful of replicas.)
 *
 * On shutdown (SIGTERM) a replica takes no new lease, gives its running jobs a moment to finish and
 * then releases what it still holds, so another replica takes the jobs at its next tick instead of
 * waiting for the lease to expire. A job cut short by the exit runs again there: they are idempotent.
 */
@Injectable()
export class JobLeases implements BeforeApplicationShutdown {
  private readonly logger = new Logger(JobLeases.name);
  readonly owner = `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`.slice(0, 64);
  private stopping = false;
  private readonly running = new Set<Promise<unknown>>();
  /** how long shutdown waits for running jobs before releasing their leases anyway */
  shutdownWaitMs = 5000;

  constructor(
    private readonly tx: TransactionRunner,
    @Optional() private readonly metrics?: Metrics,
  ) {}

  /** Runs `work` if this replica gets the lease; false when another replica holds it (or this one is stopping). */
  async runExclusive(name: string, leaseMs: number, work: () => Promise<unknown>): Promise<boolean> {
    if (this.stopping) return false;
    const now = new Date();
    const taken = await this.tx.run(async (em) => {
      await em
        .createQueryBuilder()
        .insert()
        .into(JobLease)
        .values({ name, owner: '', expiresAt: new Date(0) })
        .orIgnore()
        .execute();
      const result = await em.update(
        JobLease,
        { name, expiresAt: LessThan(now) },
        { owner: this.owner, expiresAt: new Date(now.getTime() + leaseMs) },
      );
      return result.affected === 1;
    });
    if (!taken) {
      this.metrics?.jobRun(name, 'skipped');
      return false;
    }
    const run = (async () => {
      try {
        await work();
        this.metrics?.jobRun(name, 'ok');
      } catch (error) {
        this.metrics?.jobRun(name, 'failed');
        this.logger.error(`job ${name} failed: ${(error as Error).stack ?? error}`);
      }
    })();
    this.running.add(run);
    try {
      await run;
    } finally {
      this.running.delete(run);
      await this.tx.run((em) => em.update(JobLease, { name, owner: this.owner }, { expiresAt: new Date() }));
    }
    return true;
  }

  async beforeApplicationShutdown() {
    this.stopping = true;
    if (this.running.size) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        Promise.allSettled([...this.running]),
        new Promise((resolve) => (timer = setTimeout(resolve, this.shutdownWaitMs))),
      ]);
      clearTimeout(timer);
    }
    await this.releaseAll();
  }

  /** Gives back every lease this replica still holds: they are free for another replica now. */
  async releaseAll(): Promise<number> {
    try {
      const now = new Date();
      const released = await this.tx.run((em) =>
        em.update(JobLease, { owner: this.owner, expiresAt: MoreThan(now) }, { expiresAt: now }),
      );
      if (released.affected) this.logger.log(`released ${released.affected} job lease(s) on shutdown`);
      return released.affected ?? 0;
    } catch (error) {
      // The database is away: the leases expire on their own.
      this.logger.warn(`could not release job leases: ${(error as Error).message}`);
      return 0;
    }
  }
}

@Global()
@Module({ imports: [TypeOrmModule.forFeature([JobLease])], providers: [JobLeases], exports: [JobLeases] })
export class JobLeasesModule {}
