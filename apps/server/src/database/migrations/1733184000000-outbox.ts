import { MigrationInterface, QueryRunner } from 'typeorm';
import { schemaHelpers } from './schema-helpers';

/** The transactional outbox: effects that leave the database, sent by the dispatcher with retries. */
export class Outbox1733184000000 implements MigrationInterface {
  name = 'Outbox1733184000000';

  async up(q: QueryRunner): Promise<void> {
    const { id, ref, str, int, time, table, unique, index } = schemaHelpers(q);
    await table(
      'outbox',
      [
        id(),
        ref('alliance_id'),
        str('topic', 64),
        str('dedupe_key', 64),
        { name: 'payload', type: 'text' },
        // pending → sent, or dead after the last failed attempt
        str('status', 16),
        int('attempts'),
        time('available_at'),
        str('last_error', 255, true),
        time('created_at'),
        time('sent_at', true),
      ],
      [
        unique('uq_outbox_topic_key', ['topic', 'dedupe_key']),
        index('idx_outbox_due', ['status', 'available_at']),
      ],
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('outbox', true);
  }
}
