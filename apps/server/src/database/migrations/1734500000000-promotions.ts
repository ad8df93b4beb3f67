import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';
import { schemaHelpers } from './schema-helpers';

/**
 * Issue 13's remainder: the member day's extra discount (a percentage or an amount off, optionally at
 * chosen merchants) and the discount it gave on each order; points promotions (N× points in a window,
 * at chosen merchants or alliance-wide, optionally sponsored by a merchant).
 */
export class Promotions1734500000000 implements MigrationInterface {
  name = 'Promotions1734500000000';

  async up(q: QueryRunner): Promise<void> {
    const { id, ref, str, int, time, table, index } = schemaHelpers(q);
    await q.addColumns('benefit_settings', [
      new TableColumn({ name: 'member_day_discount_permille', type: 'int', isNullable: true }),
      new TableColumn({ name: 'member_day_discount_fen', type: 'int', isNullable: true }),
      new TableColumn({ name: 'member_day_merchant_ids', type: 'text', isNullable: true }),
    ]);
    await q.addColumn(
      'orders',
      new TableColumn({ name: 'member_day_discount_fen', type: 'bigint', default: 0 }),
    );
    await table(
      'points_promotions',
      [
        id(),
        ref('alliance_id'),
        str('name', 40),
        int('multiplier_permille', 1000),
        time('starts_at'),
        time('ends_at'),
        // JSON array of merchant ids; null: the whole alliance
        { name: 'merchant_ids', type: 'text', isNullable: true },
        ref('sponsor_merchant_id', true),
        time('created_at'),
        time('updated_at'),
      ],
      [index('idx_points_promotions_alliance_window', ['alliance_id', 'ends_at'])],
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('points_promotions', true);
    await q.dropColumn('orders', 'member_day_discount_fen');
    await q.dropColumn('benefit_settings', 'member_day_merchant_ids');
    await q.dropColumn('benefit_settings', 'member_day_discount_fen');
    await q.dropColumn('benefit_settings', 'member_day_discount_permille');
  }
}
