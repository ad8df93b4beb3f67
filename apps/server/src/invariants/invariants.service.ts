import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DeadOutboxMessage, StuckRefund } from '@allycard/contracts';
import { DataSource, LessThan } from 'typeorm';
import { Refund } from '../orders/order.entities';
import { OutboxService } from '../outbox/outbox.service';
import { storedTimeQueries } from './stored-times';

export interface InvariantCheck {
  name: string;
  ok: boolean;
  detail: string;
}

/** Each check is a query for violations of one design.md invariant; an empty answer means it holds. */
const CHECKS: { name: string; sql: string }[] = [
  {
    name: '1. coupon stock: issued ≤ stock and issued = coupons of the template',
    sql: `SELECT t.id, t.stock, t.issued, (SELECT COUNT(*) FROM coupons c WHERE c.template_id = t.id) AS coupons
          FROM coupon_templates t WHERE t.alliance_id = ?
          AND (t.issued > t.stock OR t.issued <> (SELECT COUNT(*) FROM coupons c WHERE c.template_id = t.id))`,
  },
  {
    name: '2. per-member limit: claims of a template by a member ≤ its limit',
    sql: `SELECT c.template_id, c.claimed_by_member_id, COUNT(*) AS claims, t.per_member_limit
          FROM coupons c JOIN coupon_templates t ON t.id = c.template_id
          WHERE c.alliance_id = ? AND c.claim_seq IS NOT NULL
          GROUP BY c.template_id, c.claimed_by_member_id, t.per_member_limit
          HAVING COUNT(*) > t.per_member_limit`,
  },
  {
    name: '3. a coupon is used at most once and a used coupon points at exactly one redemption or order (a locked one at its pending order)',
    sql: `SELECT c.id, c.status, c.redemption_id, c.order_id FROM coupons c
          WHERE c.alliance_id = ? AND (
            (c.status = 'used' AND ((c.redemption_id IS NULL AND c.order_id IS NULL) OR (c.redemption_id IS NOT NULL AND c.order_id IS NOT NULL)))
            OR (c.status = 'locked' AND (c.order_id IS NULL OR c.redemption_id IS NOT NULL
                OR NOT EXISTS (SELECT 1 FROM orders o WHERE o.id = c.order_id AND o.status = 'pending')))
            OR (c.status NOT IN ('used', 'locked') AND (c.redemption_id IS NOT NULL OR c.order_id IS NOT NULL))
            OR (c.order_id IS NOT NULL AND c.status = 'used' AND NOT EXISTS (SELECT 1 FROM orders o WHERE o.id = c.order_id AND o.coupon_id = c.id))
            OR (c.redemption_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM redemptions r WHERE r.id = c.redemption_id AND r.coupon_id = c.id))
            OR (SELECT COUNT(*) FROM redemptions r WHERE r.coupon_id = c.id) > 1)`,
  },
  {
    name: '7. a forwarded coupon has one owner; a share works once',
    sql: `SELECT c.id, c.status, c.member_id,
            (SELECT COUNT(*) FROM coupon_shares s WHERE s.coupon_id = c.id AND s.status = 'open') AS open_shares,
            (SELECT COUNT(*) FROM coupon_shares s WHERE s.coupon_id = c.id AND s.status = 'accepted') AS accepted_shares
          FROM coupons c WHERE c.alliance_id = ? AND (
            (c.status = 'sharing') <> ((SELECT COUNT(*) FROM coupon_shares s WHERE s.coupon_id = c.id AND s.status = 'open') = 1)
            OR (SELECT COUNT(*) FROM coupon_shares s WHERE s.coupon_id = c.id AND s.status = 'open') > 1
            OR (SELECT COUNT(*) FROM coupon_shares s WHERE s.coupon_id = c.id AND s.status = 'accepted') > 1
            OR EXISTS (SELECT 1 FROM coupon_shares s WHERE s.coupon_id = c.id AND s.status = 'accepted' AND s.accepted_by_member_id <> c.member_id)
            OR EXISTS (SELECT 1 FROM coupon_shares s WHERE s.coupon_id = c.id AND s.status = 'open' AND s.from_member_id <> c.member_id))`,
  },
  {
    name: '4. points: each member balance = its postings = its lots ≥ 0; each transaction sums to zero',
    sql: `SELECT 'balance' AS problem, m.id, m.points,
            (SELECT COALESCE(SUM(p.amount), 0) FROM points_postings p WHERE p.alliance_id = m.alliance_id AND p.account_kind = 'member' AND p.owner_id = m.id) AS postings,
            (SELECT COALESCE(SUM(l.remaining), 0) FROM points_lots l WHERE l.member_id = m.id) AS lots
          FROM members m WHERE m.alliance_id = ? AND (m.points < 0
            OR m.points <> (SELECT COALESCE(SUM(p.amount), 0) FROM points_postings p WHERE p.alliance_id = m.alliance_id AND p.account_kind = 'member' AND p.owner_id = m.id)
            OR m.points <> (SELECT COALESCE(SUM(l.remaining), 0) FROM points_lots l WHERE l.member_id = m.id))
          UNION ALL
          SELECT 'transaction' AS problem, t.id, SUM(p.amount), COUNT(*), 0
          FROM points_transactions t JOIN points_postings p ON p.transaction_id = t.id
          WHERE t.alliance_id = ? GROUP BY t.id HAVING SUM(p.amount) <> 0
          UNION ALL
          SELECT 'lot' AS problem, l.id, l.points, l.remaining, 0 FROM points_lots l
          WHERE l.alliance_id = ? AND (l.remaining < 0 OR l.remaining > l.points)`,
  },
  {
    name: '6. settlement: a fully refunded order’s or a voided counter record’s entries net to zero; an unpaid order has none',
    sql: `SELECT o.id, o.status FROM orders o
          WHERE o.alliance_id = ? AND (
            (o.status = 'refunded' AND (SELECT COALESCE(SUM(e.amount_fen), 0) FROM settlement_entries e
              WHERE (e.source_type = 'order' AND e.source_id = o.id)
                 OR (e.source_type = 'refund' AND e.source_id IN (SELECT f.id FROM refunds f WHERE f.order_id = o.id))) <> 0)
            OR (o.status IN ('pending', 'closed')
              AND EXISTS (SELECT 1 FROM settlement_entries e WHERE e.source_type = 'order' AND e.source_id = o.id)))
          UNION ALL
          SELECT r.id, 'voided' AS status FROM redemptions r
          WHERE r.alliance_id = ? AND r.voided_at IS NOT NULL
            AND (SELECT COALESCE(SUM(e.amount_fen), 0) FROM settlement_entries e
              WHERE e.source_type IN ('redemption', 'redemption_void') AND e.source_id = r.id) <> 0`,
  },
];

@Injectable()
export class InvariantsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly outbox: OutboxService,
  ) {}

  async check(
    allianceId: string,
    now = new Date(),
  ): Promise<{
    ok: boolean;
    checks: InvariantCheck[];
    stuckRefunds: StuckRefund[];
    deadOutbox: DeadOutboxMessage[];
  }> {
    const checks: InvariantCheck[] = [];
    for (const { name, sql } of CHECKS) {
      const params = Array.from({ length: sql.split('?').length - 1 }, () => allianceId);
      checks.push(violated(name, await this.dataSource.query(sql, params)));
    }
    const stuckRefunds = await this.stuckRefunds(allianceId, now);
    checks.push(
      needsPerson(
        '6. refunds: none waits on WeChat for over a day',
        stuckRefunds.map((r) => `${r.outRefundNo} (order ${r.orderId}, since ${r.createdAt})`),
      ),
    );
    const deadOutbox = (await this.outbox.dead(allianceId)).map((m) => ({
      id: m.id,
      topic: m.topic,
      key: m.dedupeKey,
      attempts: m.attempts,
      lastError: m.lastError,
      createdAt: m.createdAt.toISOString(),
    }));
    checks.push(
      needsPerson(
        'outbox: every effect leaving the database was sent (none dead after its retries)',
        deadOutbox.map((m) => `${m.topic} ${m.key}: ${m.lastError ?? ''}`),
      ),
    );
    const badTimes: unknown[] = [];
    for (const sql of storedTimeQueries(this.dataSource))
      badTimes.push(...(await this.dataSource.query(sql, [allianceId])));
    checks.push(
      violated(
        'stored times: every time reads as a date; a paid, closed, used or accepted row has its time',
        badTimes,
      ),
    );
    return { ok: checks.every((c) => c.ok), checks, stuckRefunds, deadOutbox };
  }

  /** Refunds still processing a day after they were asked for: the outbox and the query job gave up. */
  private async stuckRefunds(allianceId: string, now: Date): Promise<StuckRefund[]> {
    const rows = await this.dataSource.getRepository(Refund).find({
      where: { allianceId, status: 'processing', createdAt: LessThan(new Date(now.getTime() - 86_400_000)) },
      order: { id: 'ASC' },
      take: 50,
    });
    return rows.map((r) => ({
      id: r.id,
      orderId: r.orderId,
      outRefundNo: r.outRefundNo,
      amountFen: r.amountFen,
      createdAt: r.createdAt.toISOString(),
    }));
  }
}

function violated(name: string, violations: unknown[]): InvariantCheck {
  return {
    name,
    ok: violations.length === 0,
    detail:
      violations.length === 0
        ? 'holds'
        : `${violations.length} violation(s): ${JSON.stringify(violations.slice(0, 5))}`,
  };
}

function needsPerson(name: string, problems: string[]): InvariantCheck {
  return {
    name,
    ok: problems.length === 0,
    detail: problems.length ? `${problems.length} to look at: ${problems.slice(0, 5).join('; ')}` : 'holds',
  };
}
