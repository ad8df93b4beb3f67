import { Injectable } from '@nestjs/common';
import { lifecycleThresholds, type Lifecycle, type LifecyclePolicy } from '@allycard/domain';
import { DataSource } from 'typeorm';
import type { RfmFilter } from '@allycard/contracts';
import type { Principal } from '../common/auth';

/**
 * What selects members, in the database's terms. The member list (query string) and the saved
 * segments (campaigns/) both come here, so "dormant" or "bought at" means one thing in both.
 * Every criterion combines with AND; an empty list matches nothing it names (the callers refuse it).
 */
export interface MemberCriteria {
  memberId?: string;
  /** leave out closed accounts (a campaign never reaches one) */
  openOnly?: boolean;
  q?: { cardNo: string; nicknamePrefix: string; phoneHash: string | null };
  tierCodes?: string[];
  joinMerchantIds?: string[];
  joinedFrom?: Date;
  joinedTo?: Date;
  lifecycles?: Lifecycle[];
  boughtAtMerchantIds?: string[];
  /** the last purchase came before this instant */
  lastPurchaseBefore?: Date;
  /** the last purchase came at or after this instant */
  lastPurchaseAfter?: Date;
  minSpendFen?: number;
  /** 1–12 */
  birthdayMonth?: number;
  /** some unspent points expire within this many days of now */
  pointsExpiringWithinDays?: number;
  /** R/F/M score bounds (inclusive); members without scores never match */
  rfm?: RfmFilter;
}

const RFM_BOUNDS: [keyof RfmFilter, string][] = [
  ['rMin', 'rf.r_score >= ?'],
  ['rMax', 'rf.r_score <= ?'],
  ['fMin', 'rf.f_score >= ?'],
  ['fMax', 'rf.f_score <= ?'],
  ['mMin', 'rf.m_score >= ?'],
  ['mMax', 'rf.m_score <= ?'],
];

const PAID = `('paid', 'refunded', 'partially_refunded')`;
const DAY_MS = 86_400_000;

/** The statistics sub-select and its WHERE clauses, for the list's page, a count or the ids. */
export interface BuiltMemberQuery {
  /** `SELECT … FROM (…) x WHERE …`: one row per member with its purchase figures and `lifecycle` */
  sql: string;
  params: unknown[];
}

/**
 * The member statistics query: members with purchases, spend, first and last purchase (in the
 * caller's scope: a merchant admin sees members who joined or bought at its merchant, with the
 * figures at it only) and the lifecycle label by the alliance's policy (lifecycleOf in SQL).
 */
@Injectable()
export class MemberQuery {
  constructor(private readonly dataSource: DataSource) {}

  time(d: Date): unknown {
    return this.dataSource.driver.preparePersistentValue(d, { type: 'datetime' } as never);
  }

  build(who: Principal, criteria: MemberCriteria, policy: LifecyclePolicy, now: Date): BuiltMemberQuery {
    const time = (d: Date) => this.time(d);
    const merchantId = who.role === 'merchant_admin' ? who.merchantId! : null;
    // `o.alliance_id = m.alliance_id` lets the (alliance_id, member_id) index find the member's orders
    const orders = `FROM orders o WHERE o.alliance_id = m.alliance_id AND o.member_id = m.id AND o.status IN ${PAID}${merchantId ? ' AND o.merchant_id = ?' : ''}`;
    const counter = `FROM redemptions r WHERE r.member_id = m.id AND r.amount_fen > 0 AND r.voided_at IS NULL${merchantId ? ' AND r.merchant_id = ?' : ''}`;
    const scope = merchantId ? [merchantId] : [];
    const statsParams = [...scope, ...scope, ...scope, ...scope, ...scope, ...scope, ...scope, ...scope];

    const where: string[] = ['m.alliance_id = ?'];
    const whereParams: unknown[] = [who.allianceId];
    const inList = (column: string, values: string[]) => {
      where.push(`${column} IN (${values.map(() => '?').join(', ')})`);
      whereParams.push(...values);
    };
    if (criteria.openOnly) where.push('m.closed_at IS NULL');
    if (criteria.memberId) {
      where.push('m.id = ?');
      whereParams.push(criteria.memberId);
    }
    if (merchantId) {
      where.push(`(m.join_merchant_id = ? OR EXISTS (SELECT 1 ${orders}) OR EXISTS (SELECT 1 ${counter}))`);
      whereParams.push(merchantId, merchantId, merchantId);
    }
    if (criteria.q) {
      const { cardNo, nicknamePrefix, phoneHash } = criteria.q;
      where.push(`(m.card_no = ? OR m.nickname LIKE ? ESCAPE '!'${phoneHash ? ' OR m.phone_hash = ?' : ''})`);
      whereParams.push(
        cardNo,
        `${nicknamePrefix.replace(/[!%_]/g, '!$&')}%`,
        ...(phoneHash ? [phoneHash] : []),
      );
    }
    if (criteria.tierCodes) inList('m.tier_code', criteria.tierCodes);
    if (criteria.joinMerchantIds) inList('m.join_merchant_id', criteria.joinMerchantIds);
    if (criteria.joinedFrom) {
      where.push('m.joined_at >= ?');
      whereParams.push(time(criteria.joinedFrom));
    }
    if (criteria.joinedTo) {
      where.push('m.joined_at < ?');
      whereParams.push(time(criteria.joinedTo));
    }
    if (criteria.boughtAtMerchantIds) {
      const ids = criteria.boughtAtMerchantIds;
      const marks = ids.map(() => '?').join(', ');
      where.push(`(EXISTS (SELECT 1 FROM orders bo WHERE bo.alliance_id = m.alliance_id AND bo.member_id = m.id AND bo.status IN ${PAID} AND bo.merchant_id IN (${marks}))
        OR EXISTS (SELECT 1 FROM redemptions br WHERE br.member_id = m.id AND br.amount_fen > 0 AND br.voided_at IS NULL AND br.merchant_id IN (${marks})))`);
      whereParams.push(...ids, ...ids);
    }
    if (criteria.birthdayMonth) {
      // birthdays are stored as YYYY-MM-DD text
      where.push('SUBSTR(m.birthday, 6, 2) = ?');
      whereParams.push(String(criteria.birthdayMonth).padStart(2, '0'));
    }
    if (criteria.pointsExpiringWithinDays) {
      where.push(`EXISTS (SELECT 1 FROM points_lots pl WHERE pl.member_id = m.id AND pl.remaining > 0
        AND pl.expires_at > ? AND pl.expires_at <= ?)`);
      whereParams.push(time(now), time(new Date(now.getTime() + criteria.pointsExpiringWithinDays * DAY_MS)));
    }

    if (criteria.rfm) {
      const bounds = RFM_BOUNDS.filter(([key]) => criteria.rfm![key] !== undefined);
      where.push(
        `EXISTS (SELECT 1 FROM member_rfm rf WHERE rf.member_id = m.id${bounds.map(([, sql]) => ` AND ${sql}`).join('')})`,
      );
      whereParams.push(...bounds.map(([key]) => criteria.rfm![key]));
    }

    const outer: string[] = [];
    const outerParams: unknown[] = [];
    if (criteria.lifecycles) {
      outer.push(`x.lifecycle IN (${criteria.lifecycles.map(() => '?').join(', ')})`);
      outerParams.push(...criteria.lifecycles);
    }
    if (criteria.lastPurchaseBefore) {
      outer.push('x.last_at < ?');
      outerParams.push(time(criteria.lastPurchaseBefore));
    }
    if (criteria.lastPurchaseAfter) {
      outer.push('x.last_at >= ?');
      outerParams.push(time(criteria.lastPurchaseAfter));
    }
    if (criteria.minSpendFen !== undefined) {
      outer.push('x.spend_fen >= ?');
      outerParams.push(criteria.minSpendFen);
    }

    const t = lifecycleThresholds(now, policy);
    // lifecycleOf (packages/domain) in SQL: the first label that applies wins.
    const lifecycle = `CASE WHEN l.first_at IS NULL THEN 'never_bought' WHEN l.first_at >= ? THEN 'new'
        WHEN l.last_at >= ? THEN 'active' WHEN l.last_at >= ? THEN 'dormant' ELSE 'lost' END`;
    const lifecycleParams = [time(t.newSince), time(t.dormantSince), time(t.lostSince)];

    const sql = `SELECT * FROM (
      SELECT l.*, ${lifecycle} AS lifecycle FROM (
        SELECT s.*,
          CASE WHEN s.last_o IS NULL THEN s.last_r WHEN s.last_r IS NULL OR s.last_o >= s.last_r THEN s.last_o ELSE s.last_r END AS last_at,
          CASE WHEN s.first_o IS NULL THEN s.first_r WHEN s.first_r IS NULL OR s.first_o <= s.first_r THEN s.first_o ELSE s.first_r END AS first_at
        FROM (
          SELECT m.id, m.card_no, m.nickname, m.phone_enc, m.tier_code, m.tier_grant_code, m.tier_grant_until,
            m.points, m.joined_at, m.join_merchant_id,
            (SELECT COUNT(*) ${orders}) + (SELECT COUNT(*) ${counter}) AS purchases,
            COALESCE((SELECT SUM(o.payable_fen - o.refunded_fen) ${orders}), 0)
              + COALESCE((SELECT SUM(r.amount_fen - r.member_day_discount_fen) ${counter}), 0) AS spend_fen,
            (SELECT MAX(o.paid_at) ${orders}) AS last_o,
            (SELECT MAX(r.created_at) ${counter}) AS last_r,
            (SELECT MIN(o.paid_at) ${orders}) AS first_o,
            (SELECT MIN(r.created_at) ${counter}) AS first_r
          FROM members m WHERE ${where.join(' AND ')}
        ) s
      ) l
    ) x
    ${outer.length ? `WHERE ${outer.join(' AND ')}` : ''}`;
    return { sql, params: [...lifecycleParams, ...statsParams, ...whereParams, ...outerParams] };
  }

  async count(who: Principal, criteria: MemberCriteria, policy: LifecyclePolicy, now: Date): Promise<number> {
    const q = this.build(who, criteria, policy, now);
    const [row] = await this.dataSource.query(`SELECT COUNT(*) AS n FROM (${q.sql}) c`, q.params);
    return Number(row.n);
  }

  /** Members per lifecycle label in the caller's scope. */
  async lifecycleCounts(
    who: Principal,
    policy: LifecyclePolicy,
    now: Date,
  ): Promise<Record<Lifecycle, number>> {
    const q = this.build(who, {}, policy, now);
    const rows: { lifecycle: Lifecycle; n: number | string }[] = await this.dataSource.query(
      `SELECT c.lifecycle, COUNT(*) AS n FROM (${q.sql}) c GROUP BY c.lifecycle`,
      q.params,
    );
    const counts = { never_bought: 0, new: 0, active: 0, dormant: 0, lost: 0 };
    for (const r of rows) counts[r.lifecycle] = Number(r.n);
    return counts;
  }

  /** The ids of every matching member, ascending (a campaign's frozen audience). */
  async ids(who: Principal, criteria: MemberCriteria, policy: LifecyclePolicy, now: Date): Promise<string[]> {
    const q = this.build(who, criteria, policy, now);
    const rows: { id: number | string }[] = await this.dataSource.query(
      `SELECT c.id FROM (${q.sql}) c ORDER BY c.id`,
      q.params,
    );
    return rows.map((r) => String(r.id));
  }
}
