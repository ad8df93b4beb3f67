import { Injectable } from '@nestjs/common';
import { parseBusinessDate, type Lifecycle, type TierRule } from '@allycard/domain';
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
import { MemberCriteria, MemberQuery } from './member-query';
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
}

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
    const time = (d: Date) => this.query_.time(d);
    const sort = filters.sort ?? 'joinedAt';
    const q = filters.q?.trim();
    const criteria: MemberCriteria = {
      memberId,
      q: q
        ? { cardNo: q.replace(/\s+/g, ''), nicknamePrefix: q, phoneHash: this.members.phoneHashOf(q) }
        : undefined,
      tierCodes: filters.tier ? [filters.tier] : undefined,
      joinMerchantIds: filters.joinMerchantId ? [filters.joinMerchantId] : undefined,
      joinedFrom: filters.joinedFrom ? parseBusinessDate(filters.joinedFrom)! : undefined,
      joinedTo: filters.joinedTo ? parseBusinessDate(filters.joinedTo)! : undefined,
      lifecycles: filters.lifecycle ? [filters.lifecycle] : undefined,
    };
    const built = this.query_.build(who, criteria, await this.policies.get(who.allianceId), now);

    const epoch = time(new Date(0));
    const key = {
      joinedAt: 'p.joined_at',
      lastPurchaseAt: 'COALESCE(p.last_at, ?)',
      spendFen: 'p.spend_fen',
    }[sort];
    const keyParams = sort === 'lastPurchaseAt' ? [epoch] : [];
    const page: string[] = [];
    const pageParams: unknown[] = [];
    if (after) {
      const value = sort === 'spendFen' ? Number(after.key) : time(new Date(String(after.key)));
      page.push(`(${key} < ? OR (${key} = ? AND p.id < ?))`);
      pageParams.push(...keyParams, value, ...keyParams, value, Number(after.id));
    }
    const sql = `SELECT * FROM (${built.sql}) p
      ${page.length ? `WHERE ${page.join(' AND ')}` : ''}
      ORDER BY ${key} DESC, p.id DESC LIMIT ${Number(limit)}`;
    return this.dataSource.query(sql, [...built.params, ...pageParams, ...keyParams]);
  }
}
