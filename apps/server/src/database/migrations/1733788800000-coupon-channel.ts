import { MigrationInterface, QueryRunner, TableColumn, TableIndex } from 'typeorm';

/**
 * Coupon templates get a channel (issue 14 item 2): `centre` templates are claimable in 领券中心,
 * `issue_only` ones are only issued (referral rewards, mall coupons). Before, the demo paused its
 * reward template to keep it out of 领券中心, and a paused template issues nothing, so the sender of a
 * referral never got the coupon. Existing templates stay claimable as they were. The card tells a
 * sender about the newest reward: an index on the referrer.
 */
export class CouponChannel1733788800000 implements MigrationInterface {
  name = 'CouponChannel1733788800000';

  async up(q: QueryRunner): Promise<void> {
    await q.addColumn(
      'coupon_templates',
      new TableColumn({ name: 'channel', type: 'varchar', length: '16', default: "'centre'" }),
    );
    await q.createIndex(
      'referral_rewards',
      new TableIndex({
        name: 'idx_referral_rewards_referrer',
        columnNames: ['referrer_member_id', 'created_at'],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropIndex('referral_rewards', 'idx_referral_rewards_referrer');
    await q.dropColumn('coupon_templates', 'channel');
  }
}
