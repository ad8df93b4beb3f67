import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';

/** Mall items get a photo (issue 14 item 8): the URL of an image uploaded to this server, or none. */
export class MallPhotos1733890000000 implements MigrationInterface {
  name = 'MallPhotos1733890000000';

  async up(q: QueryRunner): Promise<void> {
    await q.addColumn(
      'mall_items',
      new TableColumn({ name: 'image_url', type: 'varchar', length: '200', isNullable: true }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropColumn('mall_items', 'image_url');
  }
}
