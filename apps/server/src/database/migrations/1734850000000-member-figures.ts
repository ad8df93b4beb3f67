import { MigrationInterface, QueryRunner, TableColumn, TableIndex } from 'typeorm';
import { schemaHelpers } from './schema-helpers';

const PAID = `('paid', 'refunded', 'partially_refunded')`;
const INDEXES: [string, string][] = [
  ['idx_report_members_joined', 'joined_at'],
  ['idx_report_members_last', 'last_at'],
  ['idx_report_members_spend', 'spend_fen'],
];

/**
 * The member list's figures per member and scope on report_members (reports/daily-stats.ts keeps them
 * with the rest of the row): its join time, purchases, spend (paid less refunded), first and last
 * purchase time, each sort of the list served by an index (alliance, scope, key, member). The rows
 * already there are filled from the source tables by the definition the stats use.
 */
export class MemberFigures1734850000000 implements MigrationInterface {
  name = 'MemberFigures1734850000000';

  async up(q: QueryRunner): Promise<void> {
    const { time } = schemaHelpers(q);
    await q.addColumns('report_members', [
      // always written; nullable only so the rows already there could take the column
      new TableColumn(time('joined_at', true)),
      new TableColumn({ name: 'purchases', type: 'bigint', default: 0 }),
      new TableColumn({ name: 'spend_fen', type: 'bigint', default: 0 }),
      new TableColumn(time('first_at', true)),
      new TableColumn(time('last_at', true)),
    ]);
    const rm = 'report_members';
    const orders = `FROM orders o WHERE o.alliance_id = ${rm}.alliance_id AND o.member_id = ${rm}.member_id
      AND o.status IN ${PAID} AND (${rm}.merchant_id = 0 OR o.merchant_id = ${rm}.merchant_id)`;
    const counter = `FROM redemptions r WHERE r.alliance_id = ${rm}.alliance_id AND r.member_id = ${rm}.member_id
      AND r.amount_fen > 0 AND r.voided_at IS NULL AND (${rm}.merchant_id = 0 OR r.merchant_id = ${rm}.merchant_id)`;
    const least = (a: string, b: string, pick: '<' | '>') =>
      `CASE WHEN (${a}) IS NULL THEN (${b}) WHEN (${b}) IS NULL OR (${a}) ${pick}= (${b}) THEN (${a}) ELSE (${b}) END`;
    await q.query(
      `UPDATE ${rm} SET
         joined_at = (SELECT m.joined_at FROM members m WHERE m.id = ${rm}.member_id),
         purchases = (SELECT COUNT(*) ${orders}) + (SELECT COUNT(*) ${counter}),
         spend_fen = COALESCE((SELECT SUM(o.payable_fen - o.refunded_fen) ${orders}), 0)
           + COALESCE((SELECT SUM(r.amount_fen) ${counter}), 0),
         first_at = ${least(`SELECT MIN(o.paid_at) ${orders}`, `SELECT MIN(r.created_at) ${counter}`, '<')},
         last_at = ${least(`SELECT MAX(o.paid_at) ${orders}`, `SELECT MAX(r.created_at) ${counter}`, '>')}`,
    );
    for (const [name, column] of INDEXES)
      await q.createIndex(
        rm,
        new TableIndex({ name, columnNames: ['alliance_id', 'merchant_id', column, 'member_id'] }),
      );
  }

  async down(q: QueryRunner): Promise<void> {
    for (const [name] of INDEXES) await q.dropIndex('report_members', name);
    for (const column of ['last_at', 'first_at', 'spend_fen', 'purchases', 'joined_at'])
      await q.dropColumn('report_members', column);
  }
}
