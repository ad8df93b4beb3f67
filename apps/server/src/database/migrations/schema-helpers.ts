import { QueryRunner, Table, TableColumnOptions, TableIndex } from 'typeorm';

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
  };
  const unique = (name: string, columnNames: string[]) =>
    new TableIndex({ name, columnNames, isUnique: true });
  const index = (name: string, columnNames: string[]) => new TableIndex({ name, columnNames });

  const bool = (name: string, def = false): TableColumnOptions => ({ name, type: 'boolean', default: def });
  return { mysql, id, ref, str, int, time, bool, table, unique, index };
}
