import { MigrationInterface, QueryRunner } from 'typeorm';
import { schemaHelpers } from './schema-helpers';

/** Leases that let exactly one replica run each scheduled job at a time. */
export class JobLeases1732838400000 implements MigrationInterface {
  name = 'JobLeases1732838400000';

  async up(q: QueryRunner): Promise<void> {
    const { str, time, table } = schemaHelpers(q);
    await table('job_leases', [
      { ...str('name', 64), isPrimary: true },
      str('owner', 64),
      time('expires_at'),
    ]);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('job_leases', true);
  }
}
