import { MigrationInterface, QueryRunner } from 'typeorm';
import { schemaHelpers } from './schema-helpers';

/**
 * The first schema, written with TypeORM's Table API so one migration serves MySQL/MariaDB/TiDB and
 * SQLite (the CLI's generated migrations are MySQL-only). Every table carries alliance_id.
 */
export class Initial1732406400000 implements MigrationInterface {
  name = 'Initial1732406400000';

  async up(q: QueryRunner): Promise<void> {
    const { id, ref, str, int, time, table, unique, index } = schemaHelpers(q);

    await table('alliances', [id(), str('name', 64), str('card_title', 64), time('created_at')]);

    await table(
      'tiers',
      [
        id(),
        ref('alliance_id'),
        str('code', 32),
        str('name', 32),
        { name: 'min_spend_fen', type: 'bigint', default: 0 },
        int('discount_permille', 1000),
        int('points_multiplier_permille', 1000),
      ],
      [unique('uq_tiers_alliance_code', ['alliance_id', 'code'])],
    );

    await table(
      'merchants',
      [id(), ref('alliance_id'), str('name', 64), str('description', 255, true), time('created_at')],
      [index('idx_merchants_alliance', ['alliance_id'])],
    );

    await table(
      'stores',
      [id(), ref('alliance_id'), ref('merchant_id'), str('name', 64), time('created_at')],
      [index('idx_stores_merchant', ['alliance_id', 'merchant_id'])],
    );

    await table(
      'staff_accounts',
      [
        id(),
        ref('alliance_id'),
        ref('merchant_id', true),
        str('username', 64),
        str('password_hash', 100),
        str('role', 20),
        time('created_at'),
      ],
      // Logins name no alliance, so usernames are unique across the deployment.
      [unique('uq_staff_accounts_username', ['username'])],
    );

    await table(
      'qrcodes',
      [
        id(),
        ref('alliance_id'),
        str('scene', 32),
        ref('merchant_id'),
        ref('store_id', true),
        str('campaign', 32, true),
        time('created_at'),
      ],
      [unique('uq_qrcodes_scene', ['scene']), index('idx_qrcodes_merchant', ['alliance_id', 'merchant_id'])],
    );

    await table(
      'members',
      [
        id(),
        ref('alliance_id'),
        str('openid', 64),
        str('card_no', 20),
        str('nickname', 32, true),
        str('birthday', 10, true),
        str('phone_enc', 255, true),
        str('phone_hash', 64, true),
        str('tier_code', 32),
        { name: 'points', type: 'int', default: 0 },
        str('join_source', 16),
        ref('join_merchant_id', true),
        ref('join_store_id', true),
        str('join_campaign', 32, true),
        ref('referrer_member_id', true),
        time('joined_at'),
        time('updated_at'),
      ],
      [
        unique('uq_members_openid', ['alliance_id', 'openid']),
        unique('uq_members_card_no', ['alliance_id', 'card_no']),
        index('idx_members_phone_hash', ['alliance_id', 'phone_hash']),
      ],
    );
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['members', 'qrcodes', 'staff_accounts', 'stores', 'merchants', 'tiers', 'alliances']) {
      await q.dropTable(t, true);
    }
  }
}
