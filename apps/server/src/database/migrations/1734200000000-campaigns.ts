import { MigrationInterface, QueryRunner } from 'typeorm';
import { schemaHelpers } from './schema-helpers';

/**
 * Lifecycle policies, saved segments, campaigns and their frozen audiences (issue 12). A campaign
 * reaches each member at most once: `campaign_targets` is unique on (campaign, member), and a target
 * moves out of `pending` by one guarded update, so a retried or resumed batch cannot act twice.
 */
export class Campaigns1734200000000 implements MigrationInterface {
  name = 'Campaigns1734200000000';

  async up(q: QueryRunner): Promise<void> {
    const { id, ref, str, int, time, bool, table, unique, index } = schemaHelpers(q);
    await table('lifecycle_policies', [
      { ...ref('alliance_id'), isPrimary: true },
      int('new_days'),
      int('dormant_days'),
      int('lost_days'),
      time('updated_at'),
    ]);
    await table(
      'segments',
      [
        id(),
        ref('alliance_id'),
        // set when a merchant admin saved it: the segment then counts only that merchant's members
        ref('merchant_id', true),
        str('name', 64),
        { name: 'filter', type: 'text' },
        ref('created_by'),
        time('created_at'),
      ],
      [index('idx_segments_alliance', ['alliance_id', 'id'])],
    );
    await table(
      'campaigns',
      [
        id(),
        ref('alliance_id'),
        ref('merchant_id', true),
        ref('segment_id'),
        str('name', 64),
        { name: 'action', type: 'text' },
        int('holdout_permille'),
        { name: 'message', type: 'text', isNullable: true },
        // draft → running ⇄ paused → completed; draft / running / paused → cancelled
        str('status', 16),
        int('targeted'),
        int('holdout'),
        time('launched_at', true),
        time('completed_at', true),
        time('created_at'),
        time('updated_at'),
      ],
      [index('idx_campaigns_alliance', ['alliance_id', 'id']), index('idx_campaigns_status', ['status'])],
    );
    await table(
      'campaign_targets',
      [
        id(),
        ref('alliance_id'),
        ref('campaign_id'),
        ref('member_id'),
        bool('holdout'),
        // pending → issued | skipped; the holdout is `held_out` from the start
        str('status', 16),
        str('skip_reason', 32, true),
        ref('coupon_id', true),
        int('points'),
        time('messaged_at', true),
        time('processed_at', true),
      ],
      [
        unique('uq_campaign_targets_member', ['campaign_id', 'member_id']),
        index('idx_campaign_targets_status', ['campaign_id', 'status', 'id']),
      ],
    );
  }

  async down(q: QueryRunner): Promise<void> {
    for (const name of ['campaign_targets', 'campaigns', 'segments', 'lifecycle_policies'])
      await q.dropTable(name, true);
  }
}
