import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';

/**
 * Issue 13 at the counter: the member day's extra discount a counter purchase got (what the member paid
 * is amount − coupon − member day; points, tier spend and the reports count that).
 */
export class CounterMemberDay1734800000000 implements MigrationInterface {
  name = 'CounterMemberDay1734800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.addColumn(
      'redemptions',
      new TableColumn({ name: 'member_day_discount_fen', type: 'bigint', default: 0 }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropColumn('redemptions', 'member_day_discount_fen');
  }
}
