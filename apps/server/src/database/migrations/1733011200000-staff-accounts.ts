import { MigrationInterface, QueryRunner, TableColumn, TableIndex } from 'typeorm';
import { normalizeUsername } from '../../staff/username';
import { schemaHelpers } from './schema-helpers';

/**
 * Staff accounts: usernames unique after normalising (case, width, whitespace), disabling and a
 * token version that ends every session at once, failed-login counters shared by all replicas, and
 * rotated refresh tokens.
 */
export class StaffAccounts1733011200000 implements MigrationInterface {
  name = 'StaffAccounts1733011200000';

  async up(q: QueryRunner): Promise<void> {
    const { id, ref, str, int, time, table, unique, index } = schemaHelpers(q);
    await q.addColumns('staff_accounts', [
      new TableColumn(str('username_normalized', 96, true)),
      new TableColumn(time('disabled_at', true)),
      new TableColumn(int('token_version')),
    ]);
    await this.fillNormalized(q);
    await q.dropIndex('staff_accounts', 'uq_staff_accounts_username');
    await q.changeColumn(
      'staff_accounts',
      'username_normalized',
      new TableColumn(str('username_normalized', 96)),
    );
    await q.createIndex(
      'staff_accounts',
      new TableIndex({
        name: 'uq_staff_accounts_username_normalized',
        columnNames: ['username_normalized'],
        isUnique: true,
      }),
    );

    await table(
      'login_failures',
      [
        { ...str('subject', 128), isPrimary: true },
        str('account', 64, true),
        time('window_start'),
        int('count'),
      ],
      [index('idx_login_failures_account', ['account'])],
    );
    await table(
      'staff_refresh_tokens',
      [
        id(),
        ref('account_id'),
        str('family', 32),
        str('token_hash', 64),
        int('token_version'),
        time('expires_at'),
        time('used_at', true),
        time('created_at'),
      ],
      [
        unique('uq_staff_refresh_tokens_hash', ['token_hash']),
        index('idx_staff_refresh_tokens_family', ['family']),
      ],
    );
  }

  /**
   * Usernames that only differ in case or width (possible before) cannot both keep their name: the
   * oldest keeps it, the others get a unique `name#id` and are disabled until an admin replaces them.
   */
  private async fillNormalized(q: QueryRunner): Promise<void> {
    const rows: { id: number | string; username: string }[] = await q.query(
      'SELECT id, username FROM staff_accounts ORDER BY id',
    );
    // A Date in the form each database stores it (SQLite keeps text).
    const now = q.connection.driver.preparePersistentValue(new Date(), { type: 'datetime' } as never);
    const taken = new Set<string>();
    for (const row of rows) {
      const normalized = normalizeUsername(row.username);
      if (!taken.has(normalized)) {
        taken.add(normalized);
        await q.query('UPDATE staff_accounts SET username_normalized = ? WHERE id = ?', [normalized, row.id]);
      } else {
        await q.query(
          'UPDATE staff_accounts SET username_normalized = ?, disabled_at = ?, token_version = 1 WHERE id = ?',
          [`${normalized}#${row.id}`, now, row.id],
        );
      }
    }
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('staff_refresh_tokens', true);
    await q.dropTable('login_failures', true);
    await q.dropIndex('staff_accounts', 'uq_staff_accounts_username_normalized');
    await q.dropColumns('staff_accounts', ['token_version', 'disabled_at', 'username_normalized']);
    await q.createIndex(
      'staff_accounts',
      new TableIndex({ name: 'uq_staff_accounts_username', columnNames: ['username'], isUnique: true }),
    );
  }
}
