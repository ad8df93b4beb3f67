import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Every balance, points amount and counter column becomes BIGINT on MySQL: INT stops at 2^31 − 1
 * (about 21 million yuan of points at 1 fen each, or a hot template's issued count), and an overflow
 * is a failed write, not a wrap. SQLite's INTEGER is 64-bit already.
 */
const COLUMNS: Record<string, string[]> = {
  members: ['points'],
  orders: ['points_used', 'points_earned'],
  refunds: ['points_clawed_back', 'points_returned'],
  points_transactions: ['points'],
  points_lots: ['points', 'remaining'],
  points_lot_uses: ['points'],
  coupon_templates: ['stock', 'issued'],
  mall_items: ['points_price', 'stock', 'issued'],
  mall_member_counts: ['redeemed'],
  mall_orders: ['points_spent'],
  redemptions: ['points_earned'],
  referral_rules: ['reward_points'],
  referral_rewards: ['points'],
};

export class BigintCounters1733270400000 implements MigrationInterface {
  name = 'BigintCounters1733270400000';

  async up(q: QueryRunner): Promise<void> {
    await this.retype(q, 'BIGINT');
  }

  async down(q: QueryRunner): Promise<void> {
    await this.retype(q, 'INT');
  }

  private async retype(q: QueryRunner, type: 'BIGINT' | 'INT') {
    if (q.connection.options.type !== 'mysql') return;
    for (const [table, columns] of Object.entries(COLUMNS)) {
      const changes = columns.map((c) => `MODIFY COLUMN \`${c}\` ${type} NOT NULL DEFAULT 0`);
      await q.query(`ALTER TABLE \`${table}\` ${changes.join(', ')}`);
    }
  }
}
