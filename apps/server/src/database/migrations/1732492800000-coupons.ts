import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';
import { schemaHelpers } from './schema-helpers';

/**
 * Coupons: templates, instances, forwarding, counter redemptions, referral rewards, and the
 * idempotency keys of effect-creating requests. The unique keys here are what make the coupon
 * invariants hold under concurrency (design.md invariants 1–3 and 7).
 */
export class Coupons1732492800000 implements MigrationInterface {
  name = 'Coupons1732492800000';

  async up(q: QueryRunner): Promise<void> {
    const { mysql, id, ref, str, int, time, bool, table, unique, index } = schemaHelpers(q);
    const fen = (name: string, isNullable = false) => ({
      name,
      type: 'bigint',
      isNullable,
      ...(isNullable ? {} : { default: 0 }),
    });

    // The first purchase in the alliance (counter purchase or paid order): first-order coupons and
    // referral rewards hang on it; set once by a guarded update.
    await q.addColumn('members', new TableColumn(time('first_purchase_at', true)));

    await table(
      'coupon_templates',
      [
        id(),
        ref('alliance_id'),
        str('title', 64),
        str('description', 255, true),
        str('kind', 16),
        fen('value_fen', true),
        { name: 'discount_permille', type: 'int', isNullable: true },
        fen('max_discount_fen', true),
        fen('threshold_fen'),
        int('stock'),
        // issued ≤ stock is kept by `UPDATE … SET issued = issued + 1 WHERE issued < stock`
        int('issued'),
        int('per_member_limit', 1),
        { name: 'valid_days', type: 'int', isNullable: true },
        time('valid_from', true),
        time('valid_until', true),
        str('usable_at', 16),
        str('audience', 16),
        str('min_tier_code', 32, true),
        bool('first_order_only'),
        bool('forwardable'),
        bool('join_gift'),
        str('issuer_type', 16),
        ref('issuer_merchant_id', true),
        str('status', 16),
        time('created_at'),
        time('updated_at'),
      ],
      [index('idx_coupon_templates_alliance', ['alliance_id', 'status'])],
    );

    await table(
      'coupon_template_merchants',
      [
        { ...ref('template_id'), isPrimary: true },
        { ...ref('merchant_id'), isPrimary: true },
        ref('alliance_id'),
      ],
      [index('idx_ctm_merchant', ['merchant_id'])],
    );

    await table(
      'coupons',
      [
        id(),
        ref('alliance_id'),
        ref('template_id'),
        // the owner now; changes only when a share is accepted
        ref('member_id'),
        // who claimed it (and whose per-member limit it counts against); never changes
        ref('claimed_by_member_id'),
        // the n-th claim of the template by claimed_by (1 ≤ n ≤ per_member_limit); null when issued, not claimed
        { name: 'claim_seq', type: 'int', isNullable: true },
        str('source', 16),
        str('status', 16),
        time('valid_from'),
        time('valid_until'),
        ref('received_from_member_id', true),
        time('used_at', true),
        ref('used_merchant_id', true),
        ref('redemption_id', true),
        ref('order_id', true),
        time('created_at'),
        time('updated_at'),
      ],
      [
        // Per-member limit: the n-th claim of a template by a member takes slot n ≤ per_member_limit.
        unique('uq_coupons_claim_seq', ['template_id', 'claimed_by_member_id', 'claim_seq']),
        unique('uq_coupons_redemption', ['redemption_id']),
        index('idx_coupons_owner', ['alliance_id', 'member_id', 'status']),
        index('idx_coupons_expiry', ['status', 'valid_until']),
      ],
    );

    await table(
      'coupon_shares',
      [
        id(),
        ref('alliance_id'),
        ref('coupon_id'),
        ref('from_member_id'),
        str('token', 64),
        str('status', 16),
        time('expires_at'),
        ref('accepted_by_member_id', true),
        time('accepted_at', true),
        time('created_at'),
      ],
      [
        unique('uq_coupon_shares_token', ['token']),
        index('idx_coupon_shares_coupon', ['coupon_id', 'status']),
        index('idx_coupon_shares_expiry', ['status', 'expires_at']),
      ],
    );

    await table(
      'redemptions',
      [
        id(),
        ref('alliance_id'),
        ref('merchant_id'),
        ref('staff_id'),
        ref('member_id'),
        ref('coupon_id', true),
        fen('amount_fen'),
        fen('coupon_discount_fen'),
        int('points_earned'),
        bool('first_purchase'),
        time('created_at'),
      ],
      [
        unique('uq_redemptions_coupon', ['coupon_id']),
        index('idx_redemptions_merchant', ['alliance_id', 'merchant_id', 'created_at']),
      ],
    );

    await table('referral_rules', [
      { ...ref('alliance_id'), isPrimary: true },
      ref('reward_template_id', true),
      int('reward_points'),
      time('updated_at'),
    ]);

    await table(
      'referral_rewards',
      [
        id(),
        ref('alliance_id'),
        ref('referrer_member_id'),
        ref('referred_member_id'),
        ref('coupon_id', true),
        int('points'),
        str('status', 16),
        time('created_at'),
      ],
      // once per referred friend, however many first purchases race
      [unique('uq_referral_rewards_referred', ['referred_member_id'])],
    );

    await table(
      'idempotency_keys',
      [
        id(),
        str('scope', 64),
        str('idem_key', 64),
        str('request_hash', 64),
        str('state', 16),
        { name: 'response_status', type: 'int', isNullable: true },
        { name: 'response_body', type: mysql ? 'mediumtext' : 'text', isNullable: true },
        time('created_at'),
      ],
      [
        unique('uq_idempotency_scope_key', ['scope', 'idem_key']),
        index('idx_idempotency_created', ['created_at']),
      ],
    );
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of [
      'idempotency_keys',
      'referral_rewards',
      'referral_rules',
      'redemptions',
      'coupon_shares',
      'coupons',
      'coupon_template_merchants',
      'coupon_templates',
    ]) {
      await q.dropTable(t, true);
    }
    await q.dropColumn('members', 'first_purchase_at');
  }
}
