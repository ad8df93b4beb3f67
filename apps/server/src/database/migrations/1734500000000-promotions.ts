import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';
import { schemaHelpers } from './schema-helpers';

/**
 * Issue 13's remainder: the member day's extra discount (a percentage or an amount off, optionally at
 * chosen merchants) and the discount it gave on each order; points promotions (N× points in a window,
 * at chosen merchants or alliance-wide, optionally sponsored by a merchant); spend-and-get rules and
 * one grant per purchase (unique), recording a coupon withdrawn after a full refund or kept as used.
 */
export class Promotions1734500000000 implements MigrationInterface {
  name = 'Promotions1734500000000';

  async up(q: QueryRunner): Promise<void> {
    const { id, ref, str, int, time, table, index, unique } = schemaHelpers(q);
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
    await table(
      'spend_get_rules',
      [
        id(),
        ref('alliance_id'),
        ref('merchant_id', true),
        int('min_paid_fen'),
        ref('template_id'),
        time('created_at'),
      ],
      [index('idx_spend_get_rules_alliance', ['alliance_id'])],
    );
    await table(
      'spend_get_grants',
      [
        id(),
        ref('alliance_id'),
        ref('rule_id'),
        str('source_type', 16),
        ref('source_id'),
        ref('member_id'),
        ref('coupon_id', true),
        str('status', 16),
        time('created_at'),
        time('updated_at'),
      ],
      [
        unique('uq_spend_get_grants_source', ['source_type', 'source_id']),
        index('idx_spend_get_grants_alliance_status', ['alliance_id', 'status']),
      ],
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('spend_get_grants', true);
    await q.dropTable('spend_get_rules', true);
    await q.dropTable('points_promotions', true);
    await q.dropColumn('orders', 'member_day_discount_fen');
    await q.dropColumn('benefit_settings', 'member_day_merchant_ids');
    await q.dropColumn('benefit_settings', 'member_day_discount_fen');
    await q.dropColumn('benefit_settings', 'member_day_discount_permille');
  }
}
