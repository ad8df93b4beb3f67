import { MigrationInterface, QueryRunner } from 'typeorm';
import { schemaHelpers } from './schema-helpers';

/**
 * R/F/M scores (issue 12): one row per member who bought in the last 12 months, written by
 * member-database only — recomputed for a whole alliance each night, one member refreshed after each
 * of its purchases. The indexes serve the segment filter and the refresh's rank counts.
 */
export class Rfm1734600000000 implements MigrationInterface {
  name = 'Rfm1734600000000';

  async up(q: QueryRunner): Promise<void> {
    const { ref, int, time, table, index } = schemaHelpers(q);
    await table(
      'member_rfm',
      [
        { ...ref('member_id'), isPrimary: true },
        ref('alliance_id'),
        int('r_score'),
        int('f_score'),
        int('m_score'),
        // the figures the scores rank: the last purchase, purchases and spend in the 12 months
        time('last_purchase_at'),
        int('purchases'),
        { name: 'spend_fen', type: 'bigint', default: 0 },
        time('computed_at'),
      ],
      [
        index('idx_member_rfm_purchases', ['alliance_id', 'purchases']),
        index('idx_member_rfm_spend', ['alliance_id', 'spend_fen']),
      ],
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('member_rfm');
  }
}
