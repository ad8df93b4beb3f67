import type { DataSource } from 'typeorm';

/** Times a row's status says it has: a paid order its paid_at, a used coupon its used_at, … */
const REQUIRED_TIMES: { table: string; column: string; when: string }[] = [
  { table: 'orders', column: 'paid_at', when: "status IN ('paid', 'partially_refunded', 'refunded')" },
  { table: 'orders', column: 'closed_at', when: "status = 'closed'" },
  { table: 'refunds', column: 'succeeded_at', when: "status = 'succeeded'" },
  { table: 'coupons', column: 'used_at', when: "status = 'used'" },
  { table: 'coupon_shares', column: 'accepted_at', when: "status = 'accepted'" },
  { table: 'mall_orders', column: 'fulfilled_at', when: "status = 'fulfilled'" },
];

/**
 * One query per table of the alliance (every datetime column its entity declares, so a new table is
 * covered by itself) for rows whose stored time is not a time, each answering its primary key and
 * `problem`:
 * - on SQLite a time is text; TypeORM writes 'YYYY-MM-DD HH:MM:SS.SSS' and reads it back with
 *   `new Date`, so text SQLite cannot read ("yesterday", "NaN-NaN-NaN …") or reads as another day
 *   (February 30th) is an Invalid Date or a wrong one in every answer that shows it;
 * - on MySQL a DATETIME holds only dates, but a zero date or a zero month or day is allowed unless
 *   sql_mode has NO_ZERO_DATE / NO_ZERO_IN_DATE, and reads back as an Invalid Date;
 * - on both, a NULL where the row's status needs the time (an invalid Date is written as NULL by mysql2).
 */
export function storedTimeQueries(dataSource: DataSource): string[] {
  const mysql = dataSource.options.type === 'mysql';
  const invalid = (c: string) =>
    mysql
      ? `(MONTH(${c}) = 0 OR DAYOFMONTH(${c}) = 0)`
      : `(${c} IS NOT NULL AND (datetime(${c}) IS NULL OR datetime(${c}) <> substr(replace(${c}, 'T', ' '), 1, 19)))`;
  return dataSource.entityMetadatas.flatMap((entity) => {
    const table = entity.tableName;
    const scope = table === 'alliances' ? 'id' : 'alliance_id';
    if (!entity.columns.some((c) => c.databaseName === scope)) return [];
    const problems = [
      ...entity.columns
        .filter((c) => c.type === 'datetime')
        .map((c) => ({ test: invalid(c.databaseName), problem: `${c.databaseName} is not a time` })),
      ...REQUIRED_TIMES.filter((r) => r.table === table).map((r) => ({
        test: `(${r.when} AND ${r.column} IS NULL)`,
        problem: `${r.column} missing`,
      })),
    ];
    if (!problems.length) return [];
    const which = problems.map((p) => `WHEN ${p.test} THEN '${table} ${p.problem}'`).join(' ');
    return [
      `SELECT ${entity.primaryColumns.map((c) => c.databaseName).join(', ')}, CASE ${which} END AS problem FROM ${table}
       WHERE ${scope} = ? AND (${problems.map((p) => p.test).join(' OR ')})`,
    ];
  });
}
