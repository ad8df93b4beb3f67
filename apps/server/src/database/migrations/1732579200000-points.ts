import { MigrationInterface, QueryRunner } from 'typeorm';
import { schemaHelpers } from './schema-helpers';

/**
 * Points across the alliance: a double-entry ledger (transactions of postings that sum to zero),
 * lots with expiry consumed earliest first, tier spend, and the points mall.
 */
export class Points1732579200000 implements MigrationInterface {
  name = 'Points1732579200000';

  async up(q: QueryRunner): Promise<void> {
    const { id, ref, str, int, time, table, unique, index } = schemaHelpers(q);
    const big = (name: string) => ({ name, type: 'bigint', default: 0 });

    await table('points_policies', [
      { ...ref('alliance_id'), isPrimary: true },
      int('earn_fen_per_point', 100),
      int('point_value_fen', 1),
      int('expiry_months', 12),
      time('updated_at'),
    ]);

    await table(
      'points_transactions',
      [
        id(),
        ref('alliance_id'),
        str('kind', 16),
        // the business key: one transaction per (source type, source id), so a retry cannot double it
        str('source_type', 24),
        str('source_id', 64),
        ref('member_id', true),
        ref('merchant_id', true),
        int('points'),
        time('created_at'),
      ],
      [
        unique('uq_points_tx_source', ['alliance_id', 'source_type', 'source_id']),
        index('idx_points_tx_member', ['member_id', 'id']),
      ],
    );

    await table(
      'points_postings',
      [
        id(),
        ref('alliance_id'),
        ref('transaction_id'),
        // member | merchant_funding | merchant_redemption | alliance | breakage
        str('account_kind', 24),
        // the member or merchant id; 0 for alliance-wide accounts
        ref('owner_id'),
        big('amount'),
        time('created_at'),
      ],
      [
        index('idx_postings_account', ['alliance_id', 'account_kind', 'owner_id', 'created_at']),
        index('idx_postings_tx', ['transaction_id']),
      ],
    );

    await table(
      'points_lots',
      [
        id(),
        ref('alliance_id'),
        ref('member_id'),
        ref('transaction_id'),
        ref('merchant_id', true),
        int('points'),
        int('remaining'),
        time('expires_at'),
        time('created_at'),
      ],
      [
        index('idx_lots_member', ['member_id', 'expires_at']),
        index('idx_lots_expiry', ['expires_at', 'remaining']),
      ],
    );

    await table(
      'points_lot_uses',
      [id(), ref('transaction_id'), ref('lot_id'), int('points')],
      [index('idx_lot_uses_tx', ['transaction_id'])],
    );

    await table(
      'spend_entries',
      [
        id(),
        ref('alliance_id'),
        ref('member_id'),
        ref('merchant_id'),
        big('amount_fen'),
        str('source_type', 24),
        str('source_id', 64),
        time('created_at'),
      ],
      [
        unique('uq_spend_source', ['alliance_id', 'source_type', 'source_id']),
        index('idx_spend_member', ['member_id', 'created_at']),
      ],
    );

    await table(
      'mall_items',
      [
        id(),
        ref('alliance_id'),
        str('title', 64),
        str('description', 255, true),
        int('points_price'),
        big('cash_fen'),
        int('stock'),
        int('issued'),
        int('per_member_limit', 1),
        str('fulfilment', 16),
        ref('merchant_id', true),
        ref('coupon_template_id', true),
        str('status', 16),
        time('created_at'),
      ],
      [index('idx_mall_items_alliance', ['alliance_id', 'status'])],
    );

    await table('mall_member_counts', [
      { ...ref('item_id'), isPrimary: true },
      { ...ref('member_id'), isPrimary: true },
      int('redeemed'),
    ]);

    await table(
      'mall_orders',
      [
        id(),
        ref('alliance_id'),
        ref('item_id'),
        ref('member_id'),
        int('quantity', 1),
        int('points_spent'),
        str('status', 16),
        str('pickup_code', 16, true),
        ref('merchant_id', true),
        ref('coupon_id', true),
        ref('fulfilled_by', true),
        time('fulfilled_at', true),
        time('created_at'),
      ],
      [
        unique('uq_mall_orders_pickup', ['pickup_code']),
        index('idx_mall_orders_member', ['member_id', 'id']),
      ],
    );
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of [
      'mall_orders',
      'mall_member_counts',
      'mall_items',
      'spend_entries',
      'points_lot_uses',
      'points_lots',
      'points_postings',
      'points_transactions',
      'points_policies',
    ]) {
      await q.dropTable(t, true);
    }
  }
}
