import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { TierGrant } from '@allycard/domain';
import { EntityManager, Repository } from 'typeorm';
import { DomainError } from '../common/errors';
import { TierChanged } from '../events/domain-events';
import { EventBus } from '../events/event-bus';
import { Member, MemberTierChange, TierChangeReason } from './member.entity';

/**
 * A member's standing — the points balance and the tier — moves only here, by guarded updates in
 * the caller's transaction: points by the ledger's postings (points/), the tier by the tier rules
 * (points/) and an operator's grant (member-database/). Every tier move is recorded and announced.
 */
@Injectable()
export class MemberStandingService {
  constructor(
    @InjectRepository(MemberTierChange) private readonly tierChangeRows: Repository<MemberTierChange>,
    private readonly events: EventBus,
  ) {}

  /**
   * Moves the balance by `amount` (a ledger posting). A debit is guarded, so a balance never goes
   * below zero (409 INSUFFICIENT_POINTS).
   */
  async movePoints(em: EntityManager, allianceId: string, memberId: string, amount: number): Promise<void> {
    const qb = em
      .createQueryBuilder()
      .update(Member)
      .set({ points: () => `points + (${amount})` });
    const result =
      amount < 0
        ? await qb
            .where('id = :id AND alliance_id = :allianceId AND points >= :need', {
              id: memberId,
              allianceId,
              need: -amount,
            })
            .execute()
        : await qb.where('id = :id AND alliance_id = :allianceId', { id: memberId, allianceId }).execute();
    if (result.affected !== 1) throw new DomainError('INSUFFICIENT_POINTS', 409, '积分不足');
  }

  /** movePoints of the same positive `amount` onto many members in one statement (a campaign's batch). */
  async addPointsToMany(
    em: EntityManager,
    allianceId: string,
    memberIds: string[],
    amount: number,
  ): Promise<void> {
    if (!Number.isSafeInteger(amount) || amount <= 0) throw new Error('addPointsToMany: a positive amount');
    if (!memberIds.length) return;
    const result = await em
      .createQueryBuilder()
      .update(Member)
      .set({ points: () => `points + ${amount}` })
      .where('alliance_id = :allianceId AND id IN (:...ids)', { allianceId, ids: memberIds })
      .execute();
    if (result.affected !== new Set(memberIds).size) throw new Error('addPointsToMany: a member is missing');
  }

  /**
   * Moves the member from `change.from` to `change.to` (the tier its rolling spend calls for, points/
   * decides) and records the move; with `guarded`, only while it still holds `from`. Whether it moved.
   */
  async setTier(
    em: EntityManager,
    member: { id: string; allianceId: string },
    change: { from: string; to: string; reason: TierChangeReason; guarded?: boolean },
    at: Date,
  ): Promise<boolean> {
    const moved = await em.update(
      Member,
      { id: member.id, allianceId: member.allianceId, ...(change.guarded && { tierCode: change.from }) },
      { tierCode: change.to, updatedAt: at },
    );
    if (moved.affected !== 1) return false;
    const recorded = await em.insert(MemberTierChange, {
      allianceId: member.allianceId,
      memberId: member.id,
      fromCode: change.from,
      toCode: change.to,
      reason: change.reason,
      createdAt: at,
    });
    const changeId = String(recorded.identifiers[0]?.id);
    await this.events.publish(
      em,
      new TierChanged(member, change.from, change.to, change.reason, changeId, at),
    );
    return true;
  }

  /**
   * An operator's grant: the member holds at least `grant.code` until `grant.until` (the tier rules
   * read it as a floor, packages/domain tierAfterSpendChange), and moves up to it now if below.
   */
  async grantTier(
    em: EntityManager,
    member: Member,
    grant: TierGrant,
    tierCode: string,
    at: Date,
  ): Promise<void> {
    await em.update(
      Member,
      { id: member.id, allianceId: member.allianceId },
      { tierGrantCode: grant.code, tierGrantUntil: grant.until, updatedAt: at },
    );
    if (tierCode !== member.tierCode)
      await this.setTier(
        em,
        member,
        { from: member.tierCode, to: tierCode, reason: 'grant', guarded: true },
        at,
      );
  }

  /** The running grant of a member row, if any (what the tier rules take as a floor). */
  static grantOf(member: Pick<Member, 'tierGrantCode' | 'tierGrantUntil'>): TierGrant | null {
    return member.tierGrantCode && member.tierGrantUntil
      ? { code: member.tierGrantCode, until: member.tierGrantUntil }
      : null;
  }

  /** The tier changes of a member, newest first (its timeline). */
  tierChanges(allianceId: string, memberId: string): Promise<MemberTierChange[]> {
    return this.tierChangeRows.find({ where: { allianceId, memberId }, order: { id: 'DESC' }, take: 200 });
  }
}
