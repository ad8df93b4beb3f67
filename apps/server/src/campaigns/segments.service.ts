import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { parseBusinessDate } from '@allycard/domain';
import type { Segment, SegmentFilter } from '@allycard/contracts';
import { Repository } from 'typeorm';
import type { Principal } from '../common/auth';
import { Clock } from '../common/clock';
import { DomainError, notFound, validationFailed } from '../common/errors';
import { TransactionRunner } from '../common/transactions';
import { LifecyclePolicies } from '../member-database/lifecycle-policies.service';
import { MemberCriteria, MemberQuery } from '../member-database/member-query';
import { SegmentRow } from './campaign.entities';
import { isId } from '../common/ids';

/** R/F/M scores rank the whole alliance's purchases: not a merchant admin's to filter by. */
function allianceWide(who: Principal, filter: SegmentFilter) {
  if (filter.rfm && who.role === 'merchant_admin')
    throw new DomainError('FORBIDDEN', 403, 'R/F/M 分值按全联盟计算，仅联盟管理员可用');
}

/**
 * Saved segments: a filter over the contract's fields, counted by the member list's own query. A
 * merchant admin's segment is scoped to that merchant's members (joined or bought there), also when
 * an alliance admin's campaign later uses it.
 */
@Injectable()
export class SegmentsService {
  constructor(
    @InjectRepository(SegmentRow) private readonly segments: Repository<SegmentRow>,
    private readonly members: MemberQuery,
    private readonly policies: LifecyclePolicies,
    private readonly tx: TransactionRunner,
    private readonly clock: Clock,
  ) {}

  async preview(who: Principal, filter: SegmentFilter): Promise<{ count: number }> {
    allianceWide(who, filter);
    return { count: await this.count(this.scopeOf(who), filter) };
  }

  async create(who: Principal, name: string, filter: SegmentFilter): Promise<Segment> {
    allianceWide(who, filter);
    this.criteria(filter, this.clock.now());
    const now = this.clock.now();
    const row = await this.tx.run((em) =>
      em.save(
        em.create(SegmentRow, {
          allianceId: who.allianceId,
          merchantId: who.role === 'merchant_admin' ? who.merchantId! : null,
          name: name.trim(),
          filter: JSON.stringify(filter),
          createdBy: who.id,
          createdAt: now,
        }),
      ),
    );
    return this.toDto(row, await this.count(this.scopeOf(who), filter));
  }

  async list(who: Principal): Promise<Segment[]> {
    const rows = await this.segments.find({
      where: {
        allianceId: who.allianceId,
        ...(who.role === 'merchant_admin' && { merchantId: who.merchantId! }),
      },
      order: { id: 'DESC' },
      take: 100,
    });
    return Promise.all(
      rows.map(async (r) => this.toDto(r, await this.count(this.scopeOfRow(r), this.filterOf(r)))),
    );
  }

  /** A segment the caller may use: its alliance's, and for a merchant admin its own merchant's. */
  async visible(who: Principal, segmentId: string): Promise<SegmentRow> {
    const row = isId(segmentId)
      ? await this.segments.findOneBy({ id: segmentId, allianceId: who.allianceId })
      : null;
    if (!row || (who.role === 'merchant_admin' && row.merchantId !== who.merchantId)) throw notFound('分群');
    return row;
  }

  /** The segment's members now, ascending by id: what a launch freezes. */
  async memberIds(row: SegmentRow): Promise<string[]> {
    const now = this.clock.now();
    return this.members.ids(
      this.scopeOfRow(row),
      { ...this.criteria(this.filterOf(row), now), openOnly: true },
      await this.policies.get(row.allianceId),
      now,
    );
  }

  filterOf(row: SegmentRow): SegmentFilter {
    return JSON.parse(row.filter) as SegmentFilter;
  }

  private async count(scope: Principal, filter: SegmentFilter): Promise<number> {
    const now = this.clock.now();
    return this.members.count(
      scope,
      { ...this.criteria(filter, now), openOnly: true },
      await this.policies.get(scope.allianceId),
      now,
    );
  }

  /** Whose members a segment counts: the alliance's, or one merchant's (as its admin sees them). */
  private scopeOf(who: Principal): Principal {
    return who.role === 'merchant_admin'
      ? { role: 'merchant_admin', id: who.id, allianceId: who.allianceId, merchantId: who.merchantId }
      : { role: 'alliance_admin', id: who.id, allianceId: who.allianceId };
  }

  private scopeOfRow(row: SegmentRow): Principal {
    return row.merchantId
      ? { role: 'merchant_admin', id: row.createdBy, allianceId: row.allianceId, merchantId: row.merchantId }
      : { role: 'alliance_admin', id: row.createdBy, allianceId: row.allianceId };
  }

  /** The filter in the member query's terms; what the DTO cannot check (real dates, an empty range) is 400 here. */
  private criteria(filter: SegmentFilter, now: Date): MemberCriteria {
    const day = (field: 'lastPurchaseBefore' | 'lastPurchaseAfter') => {
      const text = filter[field];
      if (text === undefined) return undefined;
      const at = parseBusinessDate(text);
      if (!at) throw validationFailed([{ field: `filter.${field}`, message: 'not a date' }]);
      return at;
    };
    const before = day('lastPurchaseBefore');
    const after = day('lastPurchaseAfter');
    if (before && after && before <= after)
      throw validationFailed([
        { field: 'filter.lastPurchaseBefore', message: 'must be after lastPurchaseAfter' },
      ]);
    if (after && after > now)
      throw validationFailed([{ field: 'filter.lastPurchaseAfter', message: 'must not be in the future' }]);
    const rfm = filter.rfm;
    if (rfm) {
      if (!Object.values(rfm).some((v) => v !== undefined))
        throw validationFailed([{ field: 'filter.rfm', message: 'must bound at least one score' }]);
      for (const score of ['r', 'f', 'm'] as const) {
        const [min, max] = [rfm[`${score}Min`], rfm[`${score}Max`]];
        if (min !== undefined && max !== undefined && min > max)
          throw validationFailed([
            { field: `filter.rfm.${score}Min`, message: `must not exceed ${score}Max` },
          ]);
      }
    }
    return {
      lifecycles: filter.lifecycle && [...new Set(filter.lifecycle)],
      tierCodes: filter.tierCodes,
      joinMerchantIds: filter.joinMerchantIds,
      boughtAtMerchantIds: filter.boughtAtMerchantIds,
      lastPurchaseBefore: before,
      lastPurchaseAfter: after,
      minSpendFen: filter.minSpendFen,
      birthdayMonth: filter.birthdayMonth,
      pointsExpiringWithinDays: filter.pointsExpiringWithinDays,
      rfm: filter.rfm,
    };
  }

  private toDto(row: SegmentRow, count: number): Segment {
    return {
      id: row.id,
      name: row.name,
      filter: this.filterOf(row),
      count,
      merchantId: row.merchantId,
      createdAt: row.createdAt.toISOString(),
    };
  }
}
