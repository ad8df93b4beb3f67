import { Global, Injectable, Logger, Module } from '@nestjs/common';
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { Column, Entity, LessThan } from 'typeorm';
import { TypeOrmModule } from '@nestjs/typeorm';
import { TransactionRunner } from '../common/transactions';

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
 */
@Injectable()
export class JobLeases {
  private readonly logger = new Logger(JobLeases.name);
  readonly owner = `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`.slice(0, 64);

  constructor(private readonly tx: TransactionRunner) {}

  /** Runs `work` if this replica gets the lease; false when another replica holds it. */
  async runExclusive(name: string, leaseMs: number, work: () => Promise<unknown>): Promise<boolean> {
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
    if (!taken) return false;
    try {
      await work();
    } catch (error) {
      this.logger.error(`job ${name} failed: ${(error as Error).stack ?? error}`);
    } finally {
      await this.tx.run((em) => em.update(JobLease, { name, owner: this.owner }, { expiresAt: new Date() }));
    }
    return true;
  }
}

@Global()
@Module({ imports: [TypeOrmModule.forFeature([JobLease])], providers: [JobLeases], exports: [JobLeases] })
export class JobLeasesModule {}
