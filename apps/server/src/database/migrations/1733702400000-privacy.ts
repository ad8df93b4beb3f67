import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';
import { schemaHelpers } from './schema-helpers';

/**
 * Privacy (issue 15): the alliance's versioned 用户协议 / 隐私政策, each member's acceptances, and the
 * closing time of a closed account (its personal data erased, the row kept for the ledger).
 */
export class Privacy1733702400000 implements MigrationInterface {
  name = 'Privacy1733702400000';

  async up(q: QueryRunner): Promise<void> {
    const { id, ref, str, int, time, table, unique, index } = schemaHelpers(q);
    await q.addColumn('members', new TableColumn(time('closed_at', true)));
    await table(
      'policy_versions',
      [
        id(),
        ref('alliance_id'),
        int('version'),
        str('terms_title', 64),
        { name: 'terms_body', type: 'text' },
        str('privacy_title', 64),
        { name: 'privacy_body', type: 'text' },
        ref('published_by', true),
        time('published_at'),
      ],
      [unique('uq_policy_versions_alliance_version', ['alliance_id', 'version'])],
    );
    await table(
      'member_consents',
      [id(), ref('alliance_id'), ref('member_id'), int('version'), time('accepted_at')],
      [
        unique('uq_member_consents_member_version', ['member_id', 'version']),
        index('idx_member_consents_alliance', ['alliance_id', 'member_id']),
      ],
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('member_consents', true);
    await q.dropTable('policy_versions', true);
    await q.dropColumn('members', 'closed_at');
  }
}
