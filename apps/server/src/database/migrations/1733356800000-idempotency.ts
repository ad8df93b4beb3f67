import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';
import { schemaHelpers } from './schema-helpers';

/**
 * An Idempotency-Key row now commits with the action it guards and names what the action created,
 * so a retry after a crash between the commit and the stored answer can still replay it.
 */
export class Idempotency1733356800000 implements MigrationInterface {
  name = 'Idempotency1733356800000';

  async up(q: QueryRunner): Promise<void> {
    const { str } = schemaHelpers(q);
    await q.addColumns('idempotency_keys', [
      new TableColumn(str('result_kind', 16, true)),
      new TableColumn(str('result_id', 20, true)),
    ]);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropColumns('idempotency_keys', ['result_kind', 'result_id']);
  }
}
