import { MigrationInterface, QueryRunner } from 'typeorm';
import { convertToUtf8mb4, MYSQL_CHARSET, MYSQL_COLLATION } from './schema-helpers';

/**
 * Tables made before schemaHelpers named a character set took the database's default, which is latin1
 * on some MySQL/MariaDB servers: Chinese names then fail ("Incorrect string value"). This converts every
 * table (TypeORM's own included) that holds a column or default outside utf8mb4, and the database's
 * default for whatever is created later. Tables already in utf8mb4 keep their collation: rebuilding
 * them would only cost time.
 */
export class Utf8mb41733443200000 implements MigrationInterface {
  name = 'Utf8mb41733443200000';

  async up(q: QueryRunner): Promise<void> {
    if (q.connection.options.type !== 'mysql') return;
    const [schema]: { charset: string }[] = await q.query(
      `SELECT DEFAULT_CHARACTER_SET_NAME AS charset FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = DATABASE()`,
    );
    if (schema.charset !== MYSQL_CHARSET)
      await q.query(`ALTER DATABASE CHARACTER SET ${MYSQL_CHARSET} COLLATE ${MYSQL_COLLATION}`);
    const tables: { name: string }[] = await q.query(
      `SELECT t.TABLE_NAME AS name FROM information_schema.TABLES t
        WHERE t.TABLE_SCHEMA = DATABASE() AND t.TABLE_TYPE = 'BASE TABLE'
          AND (t.TABLE_COLLATION NOT LIKE '${MYSQL_CHARSET}\\_%' OR EXISTS (
            SELECT 1 FROM information_schema.COLUMNS c
             WHERE c.TABLE_SCHEMA = t.TABLE_SCHEMA AND c.TABLE_NAME = t.TABLE_NAME
               AND c.CHARACTER_SET_NAME <> '${MYSQL_CHARSET}'))`,
    );
    for (const { name } of tables) await convertToUtf8mb4(q, name);
  }

  async down(): Promise<void> {
    // Nothing: converting back to latin1 would destroy every name outside it.
  }
}
