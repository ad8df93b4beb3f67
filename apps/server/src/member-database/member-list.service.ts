import { Injectable } from '@nestjs/common';
import {
  lifecycleOf,
  lifecycleThresholds,
  parseBusinessDate,
  type Lifecycle,
  type TierRule,
} from '@allycard/domain';
import type { AdminMember, AdminMemberSort, Page } from '@allycard/contracts';
import { DataSource } from 'typeorm';
import { AlliancesService } from '../alliances/alliances.service';
import type { Principal } from '../common/auth';
import { validationFailed } from '../common/errors';
import { readStoredTime } from '../database/columns';
import { MembersService } from '../members/members.service';
import { ListCursors, readLimit } from './list-cursor';

export interface MemberFilters {
  q?: string;
  tier?: string;
  lifecycle?: Lifecycle;
  joinMerchantId?: string;
  joinedFrom?: string;
  joinedTo?: string;
  sort?: AdminMemberSort;
}

type Num = string | number;
type Time = Date | string;

/** A member row with its purchase figures, as the list query answers it. */
export interface MemberStatsRow {
  id: Num;
  card_no: string;
  nickname: string | null;
  phone_enc: string | null;
  tier_code: string;
  tier_grant_code: string | null;
  tier_grant_until: Time | null;
  points: Num;
  joined_at: Time;
  join_merchant_id: Num | null;
  purchases: Num;
  spend_fen: Num;
  first_at: Time | null;
  last_at: Time | null;
}

const PAID = `('paid', 'refunded', 'partially_refunded')`;
const MAX_RANGE_DAYS = 3 * 366;

/**
 * The member list: search, filters and keyset pages over members with their purchase figures,
 * computed by read-only queries over orders/ and counter/ tables by the contract's definition of a
 * purchase (a paid order, refunded or not, or a counter purchase above 0; spend = paid − refunded:
 * the SQL below is packages/domain's summarisePurchases, the detail answer uses that one).
 * A merchant admin sees members who joined or bought at its merchant, with the figures at it only.
 */
@Injectable()
export class MemberListService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly members: MembersService,
    private readonly alliances: AlliancesService,
    private readonly cursors: ListCursors,
  ) {}

  async page(who: Principal, filters: MemberFilters, limitText?: string, cursor?: string, now = new Date()) {
    const limit = readLimit(limitText);
    const sort = filters.sort ?? 'joinedAt';
    const after = cursor ? this.cursors.decode(cursor, sort) : null;
    const rows = await this.query(who, filters, limit + 1, after, now);
    const tiers = await this.alliances.tiers(who.allianceId);
    const items = rows.slice(0, limit).map((r) => this.toAdminMember(r, tiers, now));
    const last = rows.length > limit ? rows[limit - 1] : null;
    return {
      items,
      nextCursor: last
        ? this.cursors.encode({ sort, key: this.sortKey(sort, last), id: String(last.id) })
        : null,
    } satisfies Page<AdminMember>;
  }

  /** Every matching member, in pages of `batch` rows, for streaming exports (never all in memory). */
  async *all(
    who: Principal,
    filters: MemberFilters,
    batch = 500,
    now = new Date(),
  ): AsyncGenerator<AdminMember[]> {
    const sort = filters.sort ?? 'joinedAt';
    const tiers = await this.alliances.tiers(who.allianceId);
    let after: { key: string | number; id: string } | null = null;
    for (;;) {
      const rows = await this.query(who, filters, batch, after, now);
      if (!rows.length) return;
      yield rows.map((r) => this.toAdminMember(r, tiers, now));
      if (rows.length < batch) return;
      const last = rows[rows.length - 1];
      after = { key: this.sortKey(sort, last), id: String(last.id) };
    }
  }

  /** One member's row with its figures in the caller's scope, or null when the caller may not see it. */
  async one(who: Principal, memberId: string, now = new Date()): Promise<AdminMember | null> {
    if (!/^\d{1,19}$/.test(memberId)) return null;
    const [row] = await this.query(who, {}, 1, null, now, memberId);
    return row ? this.toAdminMember(row, await this.alliances.tiers(who.allianceId), now) : null;
  }

  /** Checks filters the DTO cannot: real dates, from before to, at most 3 years. */
  validate(filters: MemberFilters): void {
    const from = filters.joinedFrom ? parseBusinessDate(filters.joinedFrom) : null;
    const to = filters.joinedTo ? parseBusinessDate(filters.joinedTo) : null;
    if (filters.joinedFrom && !from) throw validationFailed([{ field: 'joinedFrom', message: 'not a date' }]);
    if (filters.joinedTo && !to) throw validationFailed([{ field: 'joinedTo', message: 'not a date' }]);
    if (from && to && to <= from)
      throw validationFailed([{ field: 'joinedTo', message: 'must be after joinedFrom' }]);
    if (from && to && to.getTime() - from.getTime() > MAX_RANGE_DAYS * 86_400_000)
      throw validationFailed([{ field: 'joinedTo', message: 'the range may span at most 3 years' }]);
  }

  toAdminMember(r: MemberStatsRow, tiers: TierRule[], now: Date): AdminMember {
    const tier = tiers.find((t) => t.code === r.tier_code) ?? tiers[0];
    const firstPurchaseAt = r.first_at === null ? null : readStoredTime(r.first_at);
    const lastPurchaseAt = r.last_at === null ? null : readStoredTime(r.last_at);
    const grantUntil = r.tier_grant_until === null ? null : readStoredTime(r.tier_grant_until);
    return {
      id: String(r.id),
      cardNo: r.card_no,
      nickname: r.nickname,
      phoneMasked: this.members.maskedPhone({ phoneEnc: r.phone_enc }),
      tier: { code: tier.code, name: tier.name },
      tierGrant:
        r.tier_grant_code && grantUntil && grantUntil > now
          ? { code: r.tier_grant_code, until: grantUntil.toISOString() }
          : null,
      points: Number(r.points),
      joinedAt: readStoredTime(r.joined_at).toISOString(),
      joinMerchantId: r.join_merchant_id === null ? null : String(r.join_merchant_id),
      lifecycle: lifecycleOf({ firstPurchaseAt, lastPurchaseAt }, now),
      lastPurchaseAt: lastPurchaseAt?.toISOString() ?? null,
      purchases: Number(r.purchases),
      spendFen: Number(r.spend_fen),
    };
  }

  private sortKey(sort: AdminMemberSort, row: MemberStatsRow): string | number {
    if (sort === 'spendFen') return Number(row.spend_fen);
    const at = sort === 'joinedAt' ? row.joined_at : row.last_at;
    return at === null ? new Date(0).toISOString() : readStoredTime(at).toISOString();
  }

  private async query(
    who: Principal,
    filters: MemberFilters,
    limit: number,
    after: { key: string | number; id: string } | null,
    now: Date,
    memberId?: string,
  ): Promise<MemberStatsRow[]> {
    this.validate(filters);
    const time = (d: Date) => this.dataSource.driver.preparePersistentValue(d, { type: 'datetime' } as never);
    const merchantId = who.role === 'merchant_admin' ? who.merchantId! : null;
    const sort = filters.sort ?? 'joinedAt';

    // Purchases of the member (at the merchant, for a merchant admin).
    const orders = `FROM orders o WHERE o.member_id = m.id AND o.status IN ${PAID}${merchantId ? ' AND o.merchant_id = ?' : ''}`;
    const counter = `FROM redemptions r WHERE r.member_id = m.id AND r.amount_fen > 0 AND r.voided_at IS NULL${merchantId ? ' AND r.merchant_id = ?' : ''}`;
    const scope = merchantId ? [merchantId] : [];
    const statsParams = [...scope, ...scope, ...scope, ...scope, ...scope, ...scope, ...scope, ...scope];

    const where: string[] = ['m.alliance_id = ?'];
    const whereParams: unknown[] = [who.allianceId];
    if (memberId) {
      where.push('m.id = ?');
      whereParams.push(memberId);
    }
    if (merchantId) {
      where.push(`(m.join_merchant_id = ? OR EXISTS (SELECT 1 ${orders}) OR EXISTS (SELECT 1 ${counter}))`);
      whereParams.push(merchantId, merchantId, merchantId);
    }
    const q = filters.q?.trim();
    if (q) {
      const phoneHash = this.members.phoneHashOf(q);
      where.push(`(m.card_no = ? OR m.nickname LIKE ? ESCAPE '!'${phoneHash ? ' OR m.phone_hash = ?' : ''})`);
      whereParams.push(
        q.replace(/\s+/g, ''),
        `${q.replace(/[!%_]/g, '!$&')}%`,
        ...(phoneHash ? [phoneHash] : []),
      );
    }
    if (filters.tier) {
      where.push('m.tier_code = ?');
      whereParams.push(filters.tier);
    }
    if (filters.joinMerchantId) {
      where.push('m.join_merchant_id = ?');
      whereParams.push(filters.joinMerchantId);
    }
    if (filters.joinedFrom) {
      where.push('m.joined_at >= ?');
      whereParams.push(time(parseBusinessDate(filters.joinedFrom)!));
    }
    if (filters.joinedTo) {
      where.push('m.joined_at < ?');
      whereParams.push(time(parseBusinessDate(filters.joinedTo)!));
    }

    const outer: string[] = [];
    const outerParams: unknown[] = [];
    if (filters.lifecycle) {
      const t = lifecycleThresholds(now);
      // lifecycleOf (packages/domain) in SQL: the first label that applies wins.
      outer.push(`(CASE WHEN x.first_at IS NULL THEN 'never_bought' WHEN x.first_at >= ? THEN 'new'
        WHEN x.last_at >= ? THEN 'active' WHEN x.last_at >= ? THEN 'dormant' ELSE 'lost' END) = ?`);
      outerParams.push(time(t.newSince), time(t.dormantSince), time(t.lostSince), filters.lifecycle);
    }
    const epoch = time(new Date(0));
    const key = {
      joinedAt: 'x.joined_at',
      lastPurchaseAt: 'COALESCE(x.last_at, ?)',
      spendFen: 'x.spend_fen',
    }[sort];
    const keyParams = sort === 'lastPurchaseAt' ? [epoch] : [];
    if (after) {
      const value = sort === 'spendFen' ? Number(after.key) : time(new Date(String(after.key)));
      outer.push(`(${key} < ? OR (${key} = ? AND x.id < ?))`);
      outerParams.push(...keyParams, value, ...keyParams, value, Number(after.id));
    }

    const sql = `SELECT * FROM (
        SELECT s.*,
          CASE WHEN s.last_o IS NULL THEN s.last_r WHEN s.last_r IS NULL OR s.last_o >= s.last_r THEN s.last_o ELSE s.last_r END AS last_at,
          CASE WHEN s.first_o IS NULL THEN s.first_r WHEN s.first_r IS NULL OR s.first_o <= s.first_r THEN s.first_o ELSE s.first_r END AS first_at
        FROM (
          SELECT m.id, m.card_no, m.nickname, m.phone_enc, m.tier_code, m.tier_grant_code, m.tier_grant_until,
            m.points, m.joined_at, m.join_merchant_id,
            (SELECT COUNT(*) ${orders}) + (SELECT COUNT(*) ${counter}) AS purchases,
            COALESCE((SELECT SUM(o.payable_fen - o.refunded_fen) ${orders}), 0)
              + COALESCE((SELECT SUM(r.amount_fen) ${counter}), 0) AS spend_fen,
            (SELECT MAX(o.paid_at) ${orders}) AS last_o,
            (SELECT MAX(r.created_at) ${counter}) AS last_r,
            (SELECT MIN(o.paid_at) ${orders}) AS first_o,
            (SELECT MIN(r.created_at) ${counter}) AS first_r
          FROM members m WHERE ${where.join(' AND ')}
        ) s
      ) x
      ${outer.length ? `WHERE ${outer.join(' AND ')}` : ''}
      ORDER BY ${key} DESC, x.id DESC LIMIT ${Number(limit)}`;
    return this.dataSource.query(sql, [...statsParams, ...whereParams, ...outerParams, ...keyParams]);
  }
}
