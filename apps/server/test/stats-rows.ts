import type { DataSource } from 'typeorm';

/** The daily stats tables' rows of an alliance that hold anything, in key order (a rebuild must keep them). */
export async function statsRows(
  dataSource: DataSource,
  allianceId: string,
): Promise<Record<string, unknown[]>> {
  const tables: [string, string, string][] = [
    ['member_days', 'member_id, merchant_id, business_date', '1 = 1'],
    ['report_members', 'member_id, merchant_id', '1 = 1'],
    [
      'daily_stats',
      'merchant_id, business_date',
      'purchases <> 0 OR spend_fen <> 0 OR later_spend_fen <> 0 OR active_members <> 0',
    ],
    ['member_counts', 'merchant_id, counted_date, join_date, tier_code, quick_date', 'members <> 0'],
    ['purchase_gaps', 'merchant_id, kind, y_date, x_date', 'n <> 0'],
  ];
  const out: Record<string, unknown[]> = {};
  for (const [table, order, held] of tables)
    out[table] = (
      await dataSource.query(`SELECT * FROM ${table} WHERE alliance_id = ? AND (${held}) ORDER BY ${order}`, [
        allianceId,
      ])
    ).map((r: Record<string, unknown>) =>
      // the same instant whatever the driver hands back
      Object.fromEntries(
        Object.entries(r).map(([k, v]) => [k, v instanceof Date ? v.toISOString() : String(v)]),
      ),
    );
  return out;
}
