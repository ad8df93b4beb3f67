import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';

/** Points + cash mall items: the cash part is an order paid with WeChat Pay, linked to its mall order. */
export class MallCash1732752000000 implements MigrationInterface {
  name = 'MallCash1732752000000';

  async up(q: QueryRunner): Promise<void> {
    const mysql = q.connection.options.type === 'mysql';
    await q.addColumn(
      'orders',
      new TableColumn({
        name: 'mall_order_id',
        type: mysql ? 'bigint' : 'integer',
        isNullable: true,
        ...(mysql && { unsigned: true }),
      }),
    );
    await q.addColumn('mall_orders', new TableColumn({ name: 'cash_fen', type: 'bigint', default: 0 }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropColumn('mall_orders', 'cash_fen');
    await q.dropColumn('orders', 'mall_order_id');
  }
}
