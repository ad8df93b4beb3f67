import { MigrationInterface, QueryRunner } from 'typeorm';
import { schemaHelpers } from './schema-helpers';

/** Orders paid with WeChat Pay, their refunds, and the log of payment notifications (one effect per event). */
export class Orders1732665600000 implements MigrationInterface {
  name = 'Orders1732665600000';

  async up(q: QueryRunner): Promise<void> {
    const { mysql, id, ref, str, int, time, table, unique, index } = schemaHelpers(q);
    const fen = (name: string) => ({ name, type: 'bigint', default: 0 });

    await table(
      'orders',
      [
        id(),
        ref('alliance_id'),
        ref('member_id'),
        ref('merchant_id'),
        str('out_trade_no', 32),
        str('status', 24),
        fen('amount_fen'),
        fen('tier_discount_fen'),
        ref('coupon_id', true),
        fen('coupon_discount_fen'),
        int('points_used'),
        fen('points_discount_fen'),
        fen('payable_fen'),
        int('points_earned'),
        // refunds requested (processing or done): guarded so they never exceed payable_fen
        fen('refund_requested_fen'),
        // refunds WeChat confirmed: what the effects have been reversed for
        fen('refunded_fen'),
        str('transaction_id', 64, true),
        { name: 'pay_params', type: mysql ? 'text' : 'text', isNullable: true },
        // why an order needs a person: amount_mismatch, paid_after_close, first_order_conflict
        str('flag', 32, true),
        time('paid_at', true),
        time('closed_at', true),
        time('created_at'),
        time('updated_at'),
      ],
      [
        unique('uq_orders_out_trade_no', ['out_trade_no']),
        index('idx_orders_member', ['alliance_id', 'member_id', 'id']),
        index('idx_orders_merchant', ['alliance_id', 'merchant_id', 'id']),
        index('idx_orders_pending', ['status', 'created_at']),
      ],
    );

    await table(
      'refunds',
      [
        id(),
        ref('alliance_id'),
        ref('order_id'),
        str('out_refund_no', 64),
        fen('amount_fen'),
        str('status', 16),
        ref('staff_id', true),
        int('points_clawed_back'),
        int('points_returned'),
        { name: 'coupon_returned', type: 'boolean', default: false },
        time('created_at'),
        time('succeeded_at', true),
      ],
      [unique('uq_refunds_out_refund_no', ['out_refund_no']), index('idx_refunds_order', ['order_id'])],
    );

    await table(
      'payment_events',
      [
        id(),
        // WeChat's notification id: the same notification delivered twice is recorded once
        str('event_id', 64),
        str('event_type', 32),
        str('out_trade_no', 32, true),
        str('out_refund_no', 64, true),
        str('result', 32),
        time('created_at'),
      ],
      [unique('uq_payment_events_event', ['event_id'])],
    );
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['payment_events', 'refunds', 'orders']) await q.dropTable(t, true);
  }
}
