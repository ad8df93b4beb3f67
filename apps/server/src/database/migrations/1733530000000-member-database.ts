import { MigrationInterface, QueryRunner, TableColumn, TableIndex } from 'typeorm';
import { schemaHelpers } from './schema-helpers';

/**
 * The operator's member database (issue 11): tier grants on the member, the tier changes of each
 * member, the audit log of operator actions, and the indexes the member list and timeline read by.
 * Phones are already searchable: members.phone_hash (HMAC of the normalised number, indexed with the
 * alliance) has been written with every phone since the first migration, so nothing is backfilled.
 */
export class MemberDatabase1733530000000 implements MigrationInterface {
  name = 'MemberDatabase1733530000000';

  async up(q: QueryRunner): Promise<void> {
    const { id, ref, str, time, table, index } = schemaHelpers(q);
    await q.addColumns('members', [
      new TableColumn(str('tier_grant_code', 32, true)),
      new TableColumn(time('tier_grant_until', true)),
    ]);
    await q.createIndices('members', [
      new TableIndex({ name: 'idx_members_joined', columnNames: ['alliance_id', 'joined_at'] }),
      new TableIndex({ name: 'idx_members_join_merchant', columnNames: ['alliance_id', 'join_merchant_id'] }),
      new TableIndex({ name: 'idx_members_nickname', columnNames: ['alliance_id', 'nickname'] }),
      new TableIndex({ name: 'idx_members_referrer', columnNames: ['referrer_member_id'] }),
    ]);
    await q.createIndex(
      'redemptions',
      new TableIndex({ name: 'idx_redemptions_member', columnNames: ['member_id', 'created_at'] }),
    );
    await table(
      'member_tier_changes',
      [
        id(),
        ref('alliance_id'),
        ref('member_id'),
        str('from_code', 32),
        str('to_code', 32),
        // purchase | refund | review | grant
        str('reason', 16),
        time('created_at'),
      ],
      [index('idx_tier_changes_member', ['member_id', 'created_at'])],
    );
    await table(
      'audit_log',
      [
        id(),
        ref('alliance_id'),
        ref('actor_id'),
        str('actor_role', 16),
        str('action', 32),
        ref('member_id', true),
        str('reason', 255, true),
        { name: 'detail', type: 'text' },
        time('created_at'),
      ],
      [
        index('idx_audit_log_alliance', ['alliance_id', 'id']),
        index('idx_audit_log_member', ['alliance_id', 'member_id', 'id']),
      ],
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('audit_log', true);
    await q.dropTable('member_tier_changes', true);
    await q.dropIndex('redemptions', 'idx_redemptions_member');
    for (const name of [
      'idx_members_joined',
      'idx_members_join_merchant',
      'idx_members_nickname',
      'idx_members_referrer',
    ])
      await q.dropIndex('members', name);
    await q.dropColumns('members', ['tier_grant_code', 'tier_grant_until']);
  }
}
