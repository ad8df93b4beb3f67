// The payments baselines' SQL, sent straight through mysql2, and the checks made from the database.
import { lotExpiresAt, pointsEarned, type PointsPolicy } from '@allycard/domain';
import type { Pool, ResultSetHeader, RowDataPacket } from 'mysql2/promise';
import { paidAt, type PaidTransaction, type PayableOrder } from '../lib/wechat-pay.js';

/** An order the baseline writes: who pays which merchant how much. */
export interface NewOrder extends PayableOrder {
  merchantId: string;
}

/** What applying a payment needs besides the notification. */
export interface PaymentRules {
  pool: Pool;
  allianceId: string;
  /** The alliance's points policy and tier multipliers, read once before the run (the server reads them per payment). */
  policy: PointsPolicy;
  multiplierOf: Map<string, number>;
}

const ORDER_INSERT = `INSERT INTO orders (alliance_id, member_id, merchant_id, out_trade_no, status, amount_fen,
    tier_discount_fen, coupon_id, coupon_discount_fen, points_used, points_discount_fen, payable_fen, points_earned,
    refund_requested_fen, refunded_fen, transaction_id, pay_params, flag, paid_at, closed_at, created_at, updated_at)
  VALUES `;
const ORDER_VALUES =
  "(?, ?, ?, ?, 'pending', ?, 0, NULL, 0, 0, 0, ?, 0, 0, 0, NULL, ?, NULL, NULL, NULL, ?, ?)";
const orderParams = (allianceId: string, o: NewOrder, payParams: string | null, now: Date) => [
  allianceId,
  o.memberId,
  o.merchantId,
  o.outTradeNo,
  o.payableFen,
  o.payableFen,
  payParams,
  now,
  now,
];

/** One pending order row with its pay params (the create baseline); its id. */
export async function insertOrder(
  pool: Pool,
  allianceId: string,
  o: NewOrder,
  payParams: string,
): Promise<string> {
  const [res] = await pool.query<ResultSetHeader>(
    ORDER_INSERT + ORDER_VALUES,
    orderParams(allianceId, o, payParams, new Date()),
  );
  return String(res.insertId);
}

const BULK_ROWS = 500;

/** Pending order rows for the SQL-only baseline, inserted in bulk (setup, not timed). */
export async function insertPending(pool: Pool, allianceId: string, orders: NewOrder[]): Promise<NewOrder[]> {
  const list: NewOrder[] = [];
  const now = new Date();
  for (let from = 0; from < orders.length; from += BULK_ROWS) {
    const chunk = orders.slice(from, from + BULK_ROWS);
    const [res] = await pool.query<ResultSetHeader>(
      ORDER_INSERT + chunk.map(() => ORDER_VALUES).join(', '),
      chunk.flatMap((o) => orderParams(allianceId, o, null, now)),
    );
    if (res.affectedRows !== chunk.length) throw new Error('bulk insert of pending orders');
    const [rows] = await pool.query<RowDataPacket[]>(
      'SELECT id, out_trade_no FROM orders WHERE out_trade_no IN (?)',
      [chunk.map((o) => o.outTradeNo)],
    );
    const idOf = new Map(rows.map((r) => [String(r.out_trade_no), String(r.id)]));
    for (const o of chunk) list.push({ ...o, id: idOf.get(o.outTradeNo) });
  }
  return list;
}

/**
 * Applying a payment, reduced to what the data needs (order-lifecycle.service.ts markPaid, purchases.service.ts,
 * ledger.service.ts earn and post, the tier spend and check, the payment event).
 */
export async function applyPayment(
  rules: PaymentRules,
  t: PaidTransaction,
  eventId: string,
): Promise<'paid' | 'duplicate'> {
  const { pool, allianceId } = rules;
  const [[o]] = await pool.query<RowDataPacket[]>(
    `SELECT o.id, o.member_id, o.merchant_id, o.payable_fen, o.status, m.tier_code
       FROM orders o JOIN members m ON m.id = o.member_id WHERE o.out_trade_no = ?`,
    [t.out_trade_no],
  );
  if (!o) throw new Error(`unknown order ${t.out_trade_no}`);
  const payable = Number(o.payable_fen);
  if (payable !== t.amount.total) throw new Error('amount mismatch');
  const at = paidAt(t);
  const points = pointsEarned(payable, rules.policy, rules.multiplierOf.get(String(o.tier_code)) ?? 1000);
  const conn = await pool.getConnection();
  let result: 'paid' | 'duplicate' = 'paid';
  try {
    await conn.query('START TRANSACTION');
    const [upd] = await conn.query<ResultSetHeader>(
      `UPDATE orders SET status = 'paid', transaction_id = ?, paid_at = ?, points_earned = ?, updated_at = ?
        WHERE id = ? AND status = 'pending'`,
      [t.transaction_id, at, points, at, o.id],
    );
    if (upd.affectedRows !== 1) {
      await conn.query('ROLLBACK');
      result = 'duplicate';
    } else {
      await conn.query(
        `INSERT INTO spend_entries (alliance_id, member_id, merchant_id, amount_fen, source_type, source_id, created_at)
         VALUES (?, ?, ?, ?, 'order', ?, ?)`,
        [allianceId, o.member_id, o.merchant_id, payable, o.id, at],
      );
      // the tier check reads the rolling 12-month spend (no member reaches the next tier here)
      await conn.query(
        'SELECT COALESCE(SUM(amount_fen), 0) AS total FROM spend_entries WHERE member_id = ? AND created_at > ?',
        [o.member_id, new Date(at.getTime() - 365 * 86_400_000)],
      );
      const [tx] = await conn.query<ResultSetHeader>(
        `INSERT INTO points_transactions (alliance_id, kind, source_type, source_id, member_id, merchant_id, points, created_at)
         VALUES (?, 'earn', 'order', ?, ?, ?, ?, ?)`,
        [allianceId, o.id, o.member_id, o.merchant_id, points, at],
      );
      await conn.query(
        `INSERT INTO points_postings (alliance_id, transaction_id, account_kind, owner_id, amount, created_at)
         VALUES (?, ?, 'member', ?, ?, ?), (?, ?, 'merchant_funding', ?, ?, ?)`,
        [
          allianceId,
          tx.insertId,
          o.member_id,
          points,
          at,
          allianceId,
          tx.insertId,
          o.merchant_id,
          -points,
          at,
        ],
      );
      await conn.query(
        `INSERT INTO points_lots (alliance_id, member_id, transaction_id, merchant_id, points, remaining, expires_at, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
        [
          allianceId,
          o.member_id,
          tx.insertId,
          o.merchant_id,
          points,
          points,
          lotExpiresAt(at, rules.policy.expiryMonths),
          at,
        ],
      );
      await conn.query(
        `UPDATE members SET points = points + ?, first_purchase_at = COALESCE(first_purchase_at, ?), updated_at = ?
          WHERE id = ? AND alliance_id = ?`,
        [points, at, at, o.member_id, allianceId],
      );
      await conn.query('COMMIT');
    }
  } catch (e) {
    await conn.query('ROLLBACK').catch(() => {});
    throw e;
  } finally {
    conn.release();
  }
  await pool.query(
    `INSERT IGNORE INTO payment_events (event_id, event_type, out_trade_no, out_refund_no, result, created_at)
     VALUES (?, 'TRANSACTION.SUCCESS', ?, NULL, ?, ?)`,
    [eventId, t.out_trade_no, result, new Date()],
  );
  return result;
}

/** The duplicate baseline's one statement: the order is found paid. */
export async function orderStatus(pool: Pool, outTradeNo: string): Promise<string | undefined> {
  const [[o]] = await pool.query<RowDataPacket[]>('SELECT status FROM orders WHERE out_trade_no = ?', [
    outTradeNo,
  ]);
  return o?.status as string | undefined;
}

/** What a duplicate must not change. */
export interface LedgerSnapshot {
  tx: number;
  points: number;
  spend: number;
  paid: number;
}

export async function ledgerSnapshot(pool: Pool): Promise<LedgerSnapshot> {
  const [[r]] = await pool.query<RowDataPacket[]>(
    `SELECT (SELECT COUNT(*) FROM points_transactions) AS tx, (SELECT COALESCE(SUM(points), 0) FROM members) AS points,
            (SELECT COUNT(*) FROM spend_entries) AS spend, (SELECT COUNT(*) FROM orders WHERE status = 'paid') AS paid`,
  );
  return { tx: Number(r?.tx), points: Number(r?.points), spend: Number(r?.spend), paid: Number(r?.paid) };
}

export const sameSnapshot = (a: LedgerSnapshot, b: LedgerSnapshot) =>
  a.tx === b.tx && a.points === b.points && a.spend === b.spend && a.paid === b.paid;

export interface OrderCounts {
  orders: number;
  paid: number;
  pointsTx: number;
  exactlyOnce: number;
  spendOnce: number;
  pointsMatch: number;
  flagged: number;
  maxPerOrder: number;
}

const CHECK_CHUNK = 1000;

/** Every order must be paid once: one points transaction, one spend entry, points_earned = its points. */
export async function verifyOrders(
  pool: Pool,
  orders: PayableOrder[],
): Promise<{ counts: OrderCounts; problems: string[] }> {
  const ids = orders.map((o) => o.id).filter((id): id is string => Boolean(id));
  const c: OrderCounts = {
    orders: ids.length,
    paid: 0,
    pointsTx: 0,
    exactlyOnce: 0,
    spendOnce: 0,
    pointsMatch: 0,
    flagged: 0,
    maxPerOrder: 0,
  };
  for (let from = 0; from < ids.length; from += CHECK_CHUNK) {
    const [rows] = await pool.query<RowDataPacket[]>(
      `SELECT o.id, o.status, o.points_earned, o.flag,
              (SELECT COUNT(*) FROM points_transactions t WHERE t.alliance_id = o.alliance_id AND t.source_type = 'order'
                 AND t.source_id = CAST(o.id AS CHAR)) AS tx,
              (SELECT MAX(t.points) FROM points_transactions t WHERE t.alliance_id = o.alliance_id AND t.source_type = 'order'
                 AND t.source_id = CAST(o.id AS CHAR)) AS tx_points,
              (SELECT COUNT(*) FROM spend_entries s WHERE s.alliance_id = o.alliance_id AND s.source_type = 'order'
                 AND s.source_id = CAST(o.id AS CHAR)) AS spend
         FROM orders o WHERE o.id IN (?)`,
      [ids.slice(from, from + CHECK_CHUNK)],
    );
    for (const r of rows) {
      const tx = Number(r.tx);
      if (r.status === 'paid') c.paid++;
      c.pointsTx += tx;
      if (tx === 1) c.exactlyOnce++;
      if (Number(r.spend) === 1) c.spendOnce++;
      if (tx === 1 && Number(r.tx_points) === Number(r.points_earned)) c.pointsMatch++;
      if (r.flag) c.flagged++;
    }
  }
  const [[maxPer]] = await pool.query<RowDataPacket[]>(
    `SELECT COALESCE(MAX(n), 0) AS m FROM (SELECT COUNT(*) AS n FROM points_transactions
       WHERE source_type = 'order' GROUP BY alliance_id, source_id) per_order`,
  );
  c.maxPerOrder = Number(maxPer?.m);
  const n = c.orders;
  const problems: string[] = [];
  if (c.paid !== n) problems.push(`${n - c.paid} of ${n} orders not paid`);
  if (c.exactlyOnce !== n)
    problems.push(`${n - c.exactlyOnce} orders without exactly one points transaction`);
  if (c.maxPerOrder > 1) problems.push(`an order earned points ${c.maxPerOrder} times`);
  if (c.spendOnce !== n) problems.push(`${n - c.spendOnce} orders without exactly one spend entry`);
  if (c.pointsMatch !== n)
    problems.push(`${n - c.pointsMatch} orders whose points_earned ≠ their transaction`);
  if (c.flagged) problems.push(`${c.flagged} orders flagged`);
  return { counts: c, problems };
}
