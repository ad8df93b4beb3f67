import { Injectable } from '@nestjs/common';
import { lifecycleThresholds, parseBusinessDate, type Lifecycle, type TierRule } from '@allycard/domain';
import type { AdminMember, AdminMemberSort, Page } from '@allycard/contracts';
import { DataSource } from 'typeorm';
import { AlliancesService } from '../alliances/alliances.service';
import type { Principal } from '../common/auth';
import { validationFailed } from '../common/errors';
import { readStoredTime } from '../database/columns';
import { MembersService } from '../members/members.service';
import { Clock } from '../common/clock';
import { LifecyclePolicies } from './lifecycle-policies.service';
import { ListCursors, readLimit } from './list-cursor';
import { MemberQuery } from './member-query';
import { isId } from '../common/ids';

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
  lifecycle: Lifecycle;
  /** the list's rows only (member_rfm), null without scores or for a merchant admin */
  r_score?: Num | null;
  f_score?: Num | null;
  m_score?: Num | null;
}

const MAX_RANGE_DAYS = 3 * 366;

/**
 * The member list: search, filters and keyset pages over members with their purchase figures by
 * the contract's definition of a purchase (a paid order, refunded or not, or a counter purchase
 * above 0; spend = paid − refunded: packages/domain's summarisePurchases). The list and its CSV read
 * the figures from report_members (kept by reports/ after each purchase event's commit, rebuilt
 * nightly), so a page costs its own rows at any size; one member's row (`one`) is computed from the
 * source tables by MemberQuery. A merchant admin sees members who joined or bought at its merchant,
 * with the figures at it only.
 */
@Injectable()
export class MemberListService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly members: MembersService,
    private readonly alliances: AlliancesService,
    private readonly cursors: ListCursors,
    private readonly query_: MemberQuery,
    private readonly policies: LifecyclePolicies,
    private readonly clock: Clock,
  ) {}

  async page(
    who: Principal,
    filters: MemberFilters,
    limitText?: string,
    cursor?: string,
    now = this.clock.now(),
  ) {
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
    now = this.clock.now(),
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
  async one(who: Principal, memberId: string, now = this.clock.now()): Promise<AdminMember | null> {
    if (!isId(memberId)) return null;
    const row = await this.fromSource(who, memberId, now);
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
      lifecycle: r.lifecycle,
      lastPurchaseAt: lastPurchaseAt?.toISOString() ?? null,
      purchases: Number(r.purchases),
      spendFen: Number(r.spend_fen),
      rfm:
        r.r_score === undefined || r.r_score === null
          ? null
          : { r: Number(r.r_score), f: Number(r.f_score), m: Number(r.m_score) },
    };
  }

  private sortKey(sort: AdminMemberSort, row: MemberStatsRow): string | number {
    if (sort === 'spendFen') return Number(row.spend_fen);
    const at = sort === 'joinedAt' ? row.joined_at : row.last_at;
    return at === null ? new Date(0).toISOString() : readStoredTime(at).toISOString();
  }

  /**
   * A page of the list from report_members (reports/daily-stats.ts keeps each member's figures per
   * scope there after every purchase event; the rebuild recomputes them): the caller's scope is
   * one index range (the alliance's, 0, or the merchant admin's merchant: the members who joined or
   * bought there, with the figures at it), walked in the sort's order (alliance, scope, key, member),
   * so a page reads its rows only. A search first finds its few members by card number, nickname
   * prefix or phone hash, each through its own index.
   */
  private async query(
    who: Principal,
    filters: MemberFilters,
    limit: number,
    after: { key: string | number; id: string } | null,
    now: Date,
  ): Promise<MemberStatsRow[]> {
    this.validate(filters);
    const time = (d: Date) => this.query_.time(d);
    const sort = filters.sort ?? 'joinedAt';
    const scope = who.role === 'merchant_admin' ? who.merchantId! : '0';
    const t = lifecycleThresholds(now, await this.policies.get(who.allianceId));
    // lifecycleOf (packages/domain) in SQL, as MemberQuery has it: the first label that applies wins.
    const lifecycle = `CASE WHEN f.first_at IS NULL THEN 'never_bought' WHEN f.first_at >= ? THEN 'new'
        WHEN f.last_at >= ? THEN 'active' WHEN f.last_at >= ? THEN 'dormant' ELSE 'lost' END`;
    const lifecycleParams = [time(t.newSince), time(t.dormantSince), time(t.lostSince)];

    const from: string[] = [];
    const fromParams: unknown[] = [];
    const q = filters.q?.trim();
    if (q) {
      const phoneHash = this.members.phoneHashOf(q);
      const hits = [
        'SELECT id FROM members WHERE alliance_id = ? AND card_no = ?',
        "SELECT id FROM members WHERE alliance_id = ? AND nickname LIKE ? ESCAPE '!'",
        ...(phoneHash ? ['SELECT id FROM members WHERE alliance_id = ? AND phone_hash = ?'] : []),
      ];
      from.push(`(${hits.join(' UNION ')}) hit JOIN report_members f ON f.member_id = hit.id`);
      fromParams.push(
        who.allianceId,
        q.replace(/\s+/g, ''),
        who.allianceId,
        `${q.replace(/[!%_]/g, '!$&')}%`,
        ...(phoneHash ? [who.allianceId, phoneHash] : []),
      );
    } else {
      // MySQL: the sort's index, whatever the statistics say (stale right after a rebuild, they led
      // MariaDB to read the whole scope by the primary key and sort it)
      const index = { joinedAt: 'joined', lastPurchaseAt: 'last', spendFen: 'spend' }[sort];
      from.push(
        `report_members f${this.dataSource.options.type === 'mysql' ? ` FORCE INDEX (idx_report_members_${index})` : ''}`,
      );
    }

    const where = ['f.alliance_id = ?', 'f.merchant_id = ?', 'm.alliance_id = ?'];
    const params: unknown[] = [who.allianceId, scope, who.allianceId];
    if (filters.tier) {
      where.push('m.tier_code = ?');
      params.push(filters.tier);
    }
    if (filters.joinMerchantId) {
      where.push('m.join_merchant_id = ?');
      params.push(filters.joinMerchantId);
    }
    if (filters.joinedFrom) {
      where.push('f.joined_at >= ?');
      params.push(time(parseBusinessDate(filters.joinedFrom)!));
    }
    if (filters.joinedTo) {
      where.push('f.joined_at < ?');
      params.push(time(parseBusinessDate(filters.joinedTo)!));
    }
    if (filters.lifecycle) {
      where.push(`${lifecycle} = ?`);
      params.push(...lifecycleParams, filters.lifecycle);
    }

    const key = { joinedAt: 'f.joined_at', lastPurchaseAt: 'f.last_at', spendFen: 'f.spend_fen' }[sort];
    if (after) {
      const id = Number(after.id);
      if (sort === 'spendFen') {
        where.push(`(${key} < ? OR (${key} = ? AND f.member_id < ?))`);
        params.push(Number(after.key), Number(after.key), id);
      } else {
        const at = new Date(String(after.key));
        // never bought: no last purchase, after every member who has one (NULL sorts last DESC)
        if (sort === 'lastPurchaseAt' && at.getTime() === 0) {
          where.push(`(${key} IS NULL AND f.member_id < ?)`);
          params.push(id);
        } else {
          const nulls = sort === 'lastPurchaseAt' ? ` OR ${key} IS NULL` : '';
          where.push(`(${key} < ? OR (${key} = ? AND f.member_id < ?)${nulls})`);
          params.push(time(at), time(at), id);
        }
      }
    }
    // the RFM scores rank the whole alliance: the alliance admin's rows only (as GET /admin/members/:id)
    const withRfm = scope === '0';
    const rfm = withRfm ? ', rf.r_score, rf.f_score, rf.m_score' : '';
    const rfmJoin = withRfm ? ' LEFT JOIN member_rfm rf ON rf.member_id = f.member_id' : '';
    const sql = `SELECT m.id, m.card_no, m.nickname, m.phone_enc, m.tier_code, m.tier_grant_code,
        m.tier_grant_until, m.points, m.joined_at, m.join_merchant_id,
        f.purchases, f.spend_fen, f.first_at, f.last_at, ${lifecycle} AS lifecycle${rfm}
      FROM ${from.join('')} JOIN members m ON m.id = f.member_id${rfmJoin}
      WHERE ${where.join(' AND ')}
      ORDER BY ${key} DESC, f.member_id DESC LIMIT ${Number(limit)}`;
    return this.dataSource.query(sql, [...lifecycleParams, ...fromParams, ...params]);
  }

  /** One member's row with its figures computed from the source tables (MemberQuery). */
  private async fromSource(who: Principal, memberId: string, now: Date): Promise<MemberStatsRow | null> {
    const built = this.query_.build(who, { memberId }, await this.policies.get(who.allianceId), now);
    const [row] = (await this.dataSource.query(built.sql, built.params)) as MemberStatsRow[];
    if (!row || who.role === 'merchant_admin') return row ?? null;
    const [scores] = (await this.dataSource.query(
      'SELECT r_score, f_score, m_score FROM member_rfm WHERE member_id = ?',
      [memberId],
    )) as Pick<MemberStatsRow, 'r_score' | 'f_score' | 'm_score'>[];
    return { ...row, ...scores };
  }
}
