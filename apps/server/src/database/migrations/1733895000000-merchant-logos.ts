import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';

/** Merchants get a logo (issue 14 item 8): the URL of an image uploaded to this server, or none. */
export class MerchantLogos1733895000000 implements MigrationInterface {
  name = 'MerchantLogos1733895000000';

  async up(q: QueryRunner): Promise<void> {
    await q.addColumn(
      'merchants',
      new TableColumn({ name: 'logo_url', type: 'varchar', length: '200', isNullable: true }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropColumn('merchants', 'logo_url');
  }
}
