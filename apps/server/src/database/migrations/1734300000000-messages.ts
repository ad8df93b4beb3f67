import { MigrationInterface, QueryRunner } from 'typeorm';
import { schemaHelpers } from './schema-helpers';

/**
 * WeChat subscribe messages (issue 12): each alliance's templates per kind, every member's one-time
 * consents per template (a guarded counter), and one row per message cause (a unique key), so each
 * cause is decided and sent once.
 */
export class Messages1734300000000 implements MigrationInterface {
  name = 'Messages1734300000000';

  async up(q: QueryRunner): Promise<void> {
    const { id, ref, str, int, time, table, unique, index } = schemaHelpers(q);
    await table(
      'message_templates',
      [
        id(),
        ref('alliance_id'),
        str('kind', 32),
        str('template_id', 64),
        str('page', 255),
        // {keyword: field}, as JSON
        { name: 'fields', type: 'text' },
        time('updated_at'),
      ],
      [unique('uq_message_templates_kind', ['alliance_id', 'kind'])],
    );
    await table(
      'message_subscriptions',
      [
        id(),
        ref('alliance_id'),
        ref('member_id'),
        str('template_id', 64),
        int('remaining'),
        time('updated_at'),
      ],
      [unique('uq_message_subscriptions_member_template', ['member_id', 'template_id'])],
    );
    await table(
      'sent_messages',
      [
        id(),
        ref('alliance_id'),
        ref('member_id'),
        str('template_id', 64),
        // what caused it (coupon_expiring:<couponId>, campaign:<id>:<memberId> …): one message per cause
        str('cause_key', 128),
        str('page', 255),
        { name: 'data', type: 'text' },
        // queued → sent | refused (WeChat's errcode kept); skipped: no consent left when it was caused
        str('status', 16),
        { name: 'errcode', type: 'int', isNullable: true },
        time('created_at'),
        time('available_at'),
        time('sent_at', true),
      ],
      [
        unique('uq_sent_messages_cause', ['alliance_id', 'cause_key']),
        index('idx_sent_messages_member', ['member_id', 'created_at']),
      ],
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('sent_messages');
    await q.dropTable('message_subscriptions');
    await q.dropTable('message_templates');
  }
}
