import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';
import { schemaHelpers } from './schema-helpers';

/**
 * Member benefits (issue 13): the alliance's benefit settings (birthday gift, member day, task
 * points), one birthday gift per member and year and one completion per member and task — both
 * unique keys, so racing job runs and profile edits give once — and when a member's birthday was
 * last set (changing it within 12 months is refused).
 */
export class Benefits1734100000000 implements MigrationInterface {
  name = 'Benefits1734100000000';

  async up(q: QueryRunner): Promise<void> {
    const { id, ref, str, int, time, bool, table, unique, index } = schemaHelpers(q);
    await q.addColumn('members', new TableColumn(time('birthday_set_at', true)));
    await table('benefit_settings', [
      { ...ref('alliance_id'), isPrimary: true },
      bool('birthday_enabled'),
      ref('birthday_coupon_template_id', true),
      int('birthday_points'),
      { name: 'member_day_weekday', type: 'int', isNullable: true },
      { name: 'member_day_month_day', type: 'int', isNullable: true },
      { name: 'member_day_multiplier_permille', type: 'int', isNullable: true },
      str('member_day_min_tier_code', 32, true),
      int('profile_task_points'),
      int('phone_task_points'),
      time('updated_at'),
    ]);
    await table(
      'birthday_gifts',
      [
        id(),
        ref('alliance_id'),
        ref('member_id'),
        // the Asia/Shanghai year of the birthday the gift is for
        { name: 'year', type: 'int' },
        ref('coupon_id', true),
        int('points'),
        time('created_at'),
      ],
      [
        unique('uq_birthday_gifts_member_year', ['member_id', 'year']),
        index('idx_birthday_gifts_alliance', ['alliance_id', 'created_at']),
      ],
    );
    await table(
      'task_completions',
      [id(), ref('alliance_id'), ref('member_id'), str('task', 16), int('points'), time('created_at')],
      [unique('uq_task_completions_member_task', ['member_id', 'task'])],
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('task_completions', true);
    await q.dropTable('birthday_gifts', true);
    await q.dropTable('benefit_settings', true);
    await q.dropColumn('members', 'birthday_set_at');
  }
}
