import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';

/**
 * Stores get where and when (issue 14 item 10, 联盟商户): an address, coordinates (WGS-84 decimal
 * degrees, six places ≈ 0.1 m; what wx.getLocation and the browser answer), opening hours as text
 * plus optional opening and closing times, and a phone. All nullable: existing stores have none yet.
 */
export class StorePlaces1733875200000 implements MigrationInterface {
  name = 'StorePlaces1733875200000';

  async up(q: QueryRunner): Promise<void> {
    const str = (name: string, length: number) =>
      new TableColumn({ name, type: 'varchar', length: String(length), isNullable: true });
    const degrees = (name: string) =>
      new TableColumn({ name, type: 'decimal', precision: 9, scale: 6, isNullable: true });
    await q.addColumns('stores', [
      str('address', 128),
      degrees('latitude'),
      degrees('longitude'),
      str('hours_text', 64),
      str('opens_at', 5),
      str('closes_at', 5),
      str('phone', 20),
    ]);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const name of ['phone', 'closes_at', 'opens_at', 'hours_text', 'longitude', 'latitude', 'address'])
      await q.dropColumn('stores', name);
  }
}
