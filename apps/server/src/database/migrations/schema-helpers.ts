import { QueryRunner, Table, TableColumnOptions, TableIndex } from 'typeorm';

/** Every MySQL table's character set and collation, whatever the server's or the database's default. */
export const MYSQL_CHARSET = 'utf8mb4';
export const MYSQL_COLLATION = 'utf8mb4_unicode_ci';

/** Converts a MySQL table, its default and every text column, to MYSQL_CHARSET / MYSQL_COLLATION. */
export const convertToUtf8mb4 = (q: QueryRunner, table: string) =>
  q.query(`ALTER TABLE \`${table}\` CONVERT TO CHARACTER SET ${MYSQL_CHARSET} COLLATE ${MYSQL_COLLATION}`);

/**
 * Portable column shapes for migrations: BIGINT UNSIGNED ids and DATETIME(3) on MySQL, INTEGER ids
 * (the only auto-increment type SQLite allows) and DATETIME text on SQLite.
 */
export function schemaHelpers(q: QueryRunner) {
  const mysql = q.connection.options.type === 'mysql';
  const id = (): TableColumnOptions => ({
    name: 'id',
    type: mysql ? 'bigint' : 'integer',
    isPrimary: true,
    isGenerated: true,
    generationStrategy: 'increment',
    ...(mysql && { unsigned: true }),
  });
  const ref = (name: string, isNullable = false): TableColumnOptions => ({
    name,
    type: mysql ? 'bigint' : 'integer',
    isNullable,
    ...(mysql && { unsigned: true }),
  });
  const str = (name: string, length: number, isNullable = false): TableColumnOptions => ({
    name,
    type: 'varchar',
    length: String(length),
    isNullable,
  });
  const int = (name: string, def = 0): TableColumnOptions => ({ name, type: 'int', default: def });
  const time = (name: string, isNullable = false): TableColumnOptions => ({
    name,
    type: 'datetime',
    precision: mysql ? 3 : undefined,
    isNullable,
  });
  const table = async (name: string, columns: TableColumnOptions[], indices: TableIndex[] = []) => {
    await q.createTable(
      new Table({ name, columns, indices, ...(mysql && { engine: 'InnoDB' }) } as never),
      true,
    );
    // TypeORM's CREATE TABLE names no character set, so the table would take the database's default
    // (latin1 on some servers, where Chinese text fails). The table is empty: converting is instant.
    if (mysql) await convertToUtf8mb4(q, name);
  };
  const unique = (name: string, columnNames: string[]) =>
    new TableIndex({ name, columnNames, isUnique: true });
  const index = (name: string, columnNames: string[]) => new TableIndex({ name, columnNames });

  const bool = (name: string, def = false): TableColumnOptions => ({ name, type: 'boolean', default: def });
  return { mysql, id, ref, str, int, time, bool, table, unique, index };
}
