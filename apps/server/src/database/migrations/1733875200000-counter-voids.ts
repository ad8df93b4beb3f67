import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';
import { schemaHelpers } from './schema-helpers';

/**
 * A counter record can be voided (issue 14 item 4): when, by whom, why, and what the void took back.
 * A coupon that came back to the member leaves `coupon_id` (unique: the coupon may be redeemed again)
 * for `returned_coupon_id`, so the record still names it.
 */
export class CounterVoids1733875200000 implements MigrationInterface {
  name = 'CounterVoids1733875200000';

  async up(q: QueryRunner): Promise<void> {
    const { ref, str, time, int } = schemaHelpers(q);
    await q.addColumns('redemptions', [
      new TableColumn(time('voided_at', true)),
      new TableColumn(ref('voided_by_staff_id', true)),
      new TableColumn(str('void_reason', 100, true)),
      new TableColumn(int('points_reversed')),
      new TableColumn(ref('returned_coupon_id', true)),
    ]);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const column of [
      'returned_coupon_id',
      'points_reversed',
      'void_reason',
      'voided_by_staff_id',
      'voided_at',
    ])
      await q.dropColumn('redemptions', column);
  }
}
