import { MigrationInterface, QueryRunner, TableIndex } from 'typeorm';
import { schemaHelpers } from './schema-helpers';

/**
 * Daily stats (issue 11, reports/daily-stats.ts): the overview read from pre-aggregated tables instead
 * of the purchases themselves. Per member and scope (merchant_id 0 = the whole alliance): its purchase
 * days (member_days) and how it is counted (report_members); summed from those: per day purchases and
 * spend (daily_stats), member counts by the day they count from, joined and bought first
 * (member_counts), and the gaps between each member's purchase days (purchase_gaps), from which the
 * distinct active members and repeaters of any period are sums.
 */
export class DailyStats1734700000000 implements MigrationInterface {
  name = 'DailyStats1734700000000';

  async up(q: QueryRunner): Promise<void> {
    const { ref, str, time, table, index } = schemaHelpers(q);
    const day = (name: string) => ({ ...str(name, 10), isPrimary: true });
    const key = (name: string) => ({ ...ref(name), isPrimary: true });
    const big = (name: string) => ({ name, type: 'bigint', default: 0 });
    await table('member_days', [
      key('alliance_id'),
      key('member_id'),
      key('merchant_id'),
      day('business_date'),
      big('purchases'),
      big('spend_fen'),
      // the spend of the day's purchases that were not the member's first in the scope
      big('later_spend_fen'),
      // the time of the member's first purchase in the scope, on the row of its day
      time('first_at', true),
    ]);
    await table('report_members', [
      key('alliance_id'),
      key('member_id'),
      key('merchant_id'),
      str('join_date', 10),
      // the day the member counts in the scope from: joined (the alliance, its join merchant), else
      // its first purchase at the merchant
      str('counted_date', 10),
      str('tier_code', 32),
      // the day of its first purchase in the scope when that came within 7 days of joining, else ''
      str('quick_date', 10),
    ]);
    await table('daily_stats', [
      key('alliance_id'),
      key('merchant_id'),
      day('business_date'),
      big('purchases'),
      big('spend_fen'),
      big('later_spend_fen'),
      big('active_members'),
    ]);
    await table(
      'member_counts',
      [
        key('alliance_id'),
        key('merchant_id'),
        day('counted_date'),
        day('join_date'),
        { ...str('tier_code', 32), isPrimary: true },
        day('quick_date'),
        big('members'),
      ],
      [index('idx_member_counts_join', ['alliance_id', 'merchant_id', 'join_date'])],
    );
    await table('purchase_gaps', [
      key('alliance_id'),
      key('merchant_id'),
      // g: consecutive purchase days (x, y), with '0000-00-00' before the first and '9999-12-31'
      // after the last; for a day of a single purchase, s: (previous, next), m: (day, next),
      // p: (previous, day)
      { ...str('kind', 1), isPrimary: true },
      day('y_date'),
      day('x_date'),
      big('n'),
    ]);
    // The member list's figures look a member's orders up by member (idx_orders_member leads with the
    // alliance).
    await q.createIndex(
      'orders',
      new TableIndex({ name: 'idx_orders_member_status', columnNames: ['member_id', 'status'] }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropIndex('orders', 'idx_orders_member_status');
    for (const name of ['purchase_gaps', 'member_counts', 'daily_stats', 'report_members', 'member_days'])
      await q.dropTable(name);
  }
}
