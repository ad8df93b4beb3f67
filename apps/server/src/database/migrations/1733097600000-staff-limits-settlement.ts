import { MigrationInterface, QueryRunner, TableIndex } from 'typeorm';
import { schemaHelpers } from './schema-helpers';

/**
 * Staff limits (a clerk's counter purchases and refunds; beyond them a merchant admin), the per-day
 * counter totals that enforce them, the refusals the anomaly view lists, and settlement entries: coupon
 * subsidies and tier discounts posted, with their reversals, when they happen, so a closed period never
 * changes afterwards.
 */
export class StaffLimitsSettlement1733097600000 implements MigrationInterface {
  name = 'StaffLimitsSettlement1733097600000';

  async up(q: QueryRunner): Promise<void> {
    const { id, ref, str, int, time, table, unique, index } = schemaHelpers(q);
    const fen = (name: string) => ({ name, type: 'bigint' });

    await table('staff_limits', [
      // merchant_id 0: the alliance-wide row; others override it for one merchant
      { ...ref('alliance_id'), isPrimary: true },
      { ...ref('merchant_id'), isPrimary: true },
      fen('counter_purchase_max_fen'),
      fen('counter_daily_per_member_max_fen'),
      fen('clerk_refund_max_fen'),
      int('clerk_refund_max_age_days'),
      time('updated_at'),
    ]);
    await table('settlement_settings', [
      { ...ref('alliance_id'), isPrimary: true },
      str('tier_discount_borne_by', 16),
      time('updated_at'),
    ]);
    await table(
      'staff_refusals',
      [
        id(),
        ref('alliance_id'),
        ref('merchant_id'),
        ref('staff_id'),
        str('action', 32),
        str('limit_name', 64),
        fen('value'),
        fen('limit_value'),
        ref('member_id', true),
        ref('order_id', true),
        time('created_at'),
      ],
      [index('idx_staff_refusals_created', ['alliance_id', 'created_at'])],
    );
    // One row per member, merchant and business day; clerks add to it by a guarded update.
    await table('counter_daily_totals', [
      { ...ref('alliance_id'), isPrimary: true },
      { ...ref('merchant_id'), isPrimary: true },
      { ...ref('member_id'), isPrimary: true },
      { ...str('business_date', 10), isPrimary: true },
      { ...fen('total_fen'), default: 0 },
    ]);
    await table(
      'settlement_entries',
      [
        id(),
        ref('alliance_id'),
        str('kind', 24),
        ref('beneficiary_merchant_id'),
        // 'alliance' or the bearing merchant's id
        str('bearer', 24),
        // negative for reversals
        fen('amount_fen'),
        str('source_type', 24),
        ref('source_id'),
        time('occurred_at'),
      ],
      [
        unique('uq_settlement_entries_source', ['source_type', 'source_id', 'kind']),
        index('idx_settlement_entries_period', ['alliance_id', 'occurred_at']),
      ],
    );
    // The anomaly view reads refunds by period.
    await q.createIndex(
      'refunds',
      new TableIndex({ name: 'idx_refunds_created', columnNames: ['alliance_id', 'created_at'] }),
    );
    await backfillSettlementEntries(q);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropIndex('refunds', 'idx_refunds_created');
    for (const name of [
      'settlement_entries',
      'counter_daily_totals',
      'staff_refusals',
      'settlement_settings',
      'staff_limits',
    ])
      await q.dropTable(name, true);
  }
}

const ENTRY_COLUMNS = `(alliance_id, kind, beneficiary_merchant_id, bearer, amount_fen, source_type, source_id, occurred_at)`;
const ISSUER = `CASE WHEN t.issuer_type = 'merchant' AND t.issuer_merchant_id IS NOT NULL
                  THEN CAST(t.issuer_merchant_id AS CHAR) ELSE 'alliance' END`;
const NOT_OWN_COUPON = (merchant: string) =>
  `NOT (t.issuer_type = 'merchant' AND COALESCE(t.issuer_merchant_id, 0) = ${merchant})`;
const PAID = `o.status IN ('paid', 'partially_refunded', 'refunded') AND o.paid_at IS NOT NULL`;
/** ⌊a / b⌋ for a ≥ 0, b > 0 in plain arithmetic both SQLite and MySQL evaluate exactly. */
const floorDiv = (a: string, b: string) => `((${a}) - (${a}) % (${b})) / (${b})`;

/**
 * Entries for what happened before this migration, dated as the live code dates them: a counter coupon
 * at its redemption, a paid order's coupon and tier discount (borne by the merchant, as settled so far)
 * at its payment, their reversals at the refunds' success — the coupon subsidy on the full refund, the
 * tier discount in proportion to each refund (`proportionalShare` of packages/domain, in SQL).
 */
export async function backfillSettlementEntries(q: QueryRunner): Promise<void> {
  await q.query(
    `INSERT INTO settlement_entries ${ENTRY_COLUMNS}
     SELECT r.alliance_id, 'coupon_subsidy', r.merchant_id, ${ISSUER}, r.coupon_discount_fen,
            'redemption', r.id, r.created_at
     FROM redemptions r JOIN coupons c ON c.id = r.coupon_id JOIN coupon_templates t ON t.id = c.template_id
     WHERE r.coupon_discount_fen > 0 AND ${NOT_OWN_COUPON('r.merchant_id')}`,
  );
  await q.query(
    `INSERT INTO settlement_entries ${ENTRY_COLUMNS}
     SELECT o.alliance_id, 'coupon_subsidy', o.merchant_id, ${ISSUER}, o.coupon_discount_fen,
            'order', o.id, o.paid_at
     FROM orders o JOIN coupons c ON c.id = o.coupon_id JOIN coupon_templates t ON t.id = c.template_id
     WHERE ${PAID} AND o.coupon_discount_fen > 0 AND ${NOT_OWN_COUPON('o.merchant_id')}`,
  );
  await q.query(
    `INSERT INTO settlement_entries ${ENTRY_COLUMNS}
     SELECT o.alliance_id, 'tier_discount', o.merchant_id, CAST(o.merchant_id AS CHAR), o.tier_discount_fen,
            'order', o.id, o.paid_at
     FROM orders o WHERE ${PAID} AND o.tier_discount_fen > 0`,
  );

  // Succeeded refunds with the order's refunded total before and after each (in the order applied).
  const refunds = `
    SELECT f.id, f.order_id, COALESCE(f.succeeded_at, f.created_at) AS happened_at,
           (SELECT COALESCE(SUM(g.amount_fen), 0) FROM refunds g
            WHERE g.order_id = f.order_id AND g.status = 'succeeded' AND g.id < f.id) AS before_fen,
           (SELECT COALESCE(SUM(g.amount_fen), 0) FROM refunds g
            WHERE g.order_id = f.order_id AND g.status = 'succeeded' AND g.id <= f.id) AS after_fen,
           (SELECT MAX(g.id) FROM refunds g WHERE g.order_id = f.order_id AND g.status = 'succeeded') AS last_id
    FROM refunds f WHERE f.status = 'succeeded'`;
  await q.query(
    `INSERT INTO settlement_entries ${ENTRY_COLUMNS}
     SELECT e.alliance_id, e.kind, e.beneficiary_merchant_id, e.bearer, -e.amount_fen, 'refund', x.id, x.happened_at
     FROM (${refunds}) x
     JOIN orders o ON o.id = x.order_id
     JOIN settlement_entries e ON e.source_type = 'order' AND e.source_id = o.id AND e.kind = 'coupon_subsidy'
     WHERE o.status = 'refunded' AND x.id = x.last_id`,
  );
  const upTo = (refunded: string) => floorDiv(`e.amount_fen * ${refunded}`, 'o.payable_fen');
  await q.query(
    `INSERT INTO settlement_entries ${ENTRY_COLUMNS}
     SELECT * FROM (
       SELECT e.alliance_id, e.kind, e.beneficiary_merchant_id, e.bearer,
              CASE WHEN o.payable_fen > 0 THEN -(${upTo('x.after_fen')} - ${upTo('x.before_fen')})
                   ELSE -e.amount_fen END AS amount_fen,
              'refund' AS source_type, x.id AS source_id, x.happened_at
       FROM (${refunds}) x
       JOIN orders o ON o.id = x.order_id
       JOIN settlement_entries e ON e.source_type = 'order' AND e.source_id = o.id AND e.kind = 'tier_discount'
       WHERE o.payable_fen > 0 OR (o.status = 'refunded' AND x.id = x.last_id)
     ) y WHERE y.amount_fen <> 0`,
  );
}
