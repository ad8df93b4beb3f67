import { MigrationInterface, QueryRunner, TableColumn, TableIndex } from 'typeorm';
import { schemaHelpers } from './schema-helpers';

/**
 * Reports (issue 11): which 小程序码 a member joined by (members.join_qrcode_id, null for members who
 * joined before this or without a code), the daily count of scene openings (GET /scenes/:scene) the
 * acquisition funnel reads, and the indexes the overview reads purchases and coupons by period with.
 */
export class Reports1734000000000 implements MigrationInterface {
  name = 'Reports1734000000000';

  async up(q: QueryRunner): Promise<void> {
    const { ref, str, table } = schemaHelpers(q);
    await q.addColumn('members', new TableColumn(ref('join_qrcode_id', true)));
    await q.createIndex(
      'members',
      new TableIndex({ name: 'idx_members_join_qrcode', columnNames: ['alliance_id', 'join_qrcode_id'] }),
    );
    // Members who joined by a code before this: the code of their merchant, store and campaign.
    await q.query(`UPDATE members SET join_qrcode_id = (
        SELECT MIN(qr.id) FROM qrcodes qr
        WHERE qr.alliance_id = members.alliance_id AND qr.merchant_id = members.join_merchant_id
          AND (qr.store_id = members.join_store_id OR (qr.store_id IS NULL AND members.join_store_id IS NULL))
          AND (qr.campaign = members.join_campaign OR (qr.campaign IS NULL AND members.join_campaign IS NULL)))
      WHERE join_source = 'qrcode'`);
    await table('scene_daily_scans', [
      { ...ref('alliance_id'), isPrimary: true },
      { ...ref('qrcode_id'), isPrimary: true },
      // 'YYYY-MM-DD' in Asia/Shanghai
      { ...str('business_date', 10), isPrimary: true },
      { name: 'scans', type: 'bigint', default: 0 },
    ]);
    await q.createIndex(
      'orders',
      new TableIndex({ name: 'idx_orders_paid', columnNames: ['alliance_id', 'paid_at'] }),
    );
    await q.createIndex(
      'redemptions',
      new TableIndex({ name: 'idx_redemptions_created', columnNames: ['alliance_id', 'created_at'] }),
    );
    await q.createIndices('coupons', [
      new TableIndex({ name: 'idx_coupons_created', columnNames: ['alliance_id', 'created_at'] }),
      new TableIndex({ name: 'idx_coupons_used', columnNames: ['alliance_id', 'used_at'] }),
    ]);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropIndex('coupons', 'idx_coupons_used');
    await q.dropIndex('coupons', 'idx_coupons_created');
    await q.dropIndex('redemptions', 'idx_redemptions_created');
    await q.dropIndex('orders', 'idx_orders_paid');
    await q.dropTable('scene_daily_scans');
    await q.dropIndex('members', 'idx_members_join_qrcode');
    await q.dropColumn('members', 'join_qrcode_id');
  }
}
