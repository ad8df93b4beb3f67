import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { tierAfterSpendChange, TierRule } from '@allycard/domain';
import { EntityManager, Repository } from 'typeorm';
import { AlliancesService } from '../alliances/alliances.service';
import { isUniqueViolation, TransactionRunner } from '../common/transactions';
import { readStoredTime } from '../database/columns';
import type { Member } from '../members/member.entity';
import { MembersService } from '../members/members.service';
import { MemberStandingService } from '../members/member-standing.service';
import { SpendEntry } from './points.entities';

const YEAR_MS = 365 * 86_400_000;

/**
 * Tiers follow real spend over a rolling 12 months: a purchase upgrades at once, a refund lowers at
 * once, spend that ages out lowers at the scheduled review (the rule: tierAfterSpendChange).
 */
@Injectable()
export class TiersService {
  constructor(
    @InjectRepository(SpendEntry) private readonly spend: Repository<SpendEntry>,
    private readonly alliances: AlliancesService,
    private readonly members: MembersService,
    private readonly standing: MemberStandingService,
    private readonly tx: TransactionRunner,
  ) {}

  async rollingSpendFen(memberId: string, at = new Date(), em?: EntityManager): Promise<number> {
    const row = await (em ? em.getRepository(SpendEntry) : this.spend)
      .createQueryBuilder('s')
      .select('COALESCE(SUM(s.amount_fen), 0)', 'total')
      .where('s.member_id = :memberId AND s.created_at > :since', {
        memberId,
        since: new Date(at.getTime() - YEAR_MS),
      })
      .getRawOne<{ total: string | number }>();
    return Number(row?.total ?? 0);
  }

  /**
   * Adds spend (negative for refunds) under a unique business key, then moves the member at once to the
   * tier the new rolling spend calls for. Returns the tier the member holds afterwards.
   */
  async addSpend(
    em: EntityManager,
    member: Member,
    merchantId: string,
    amountFen: number,
    source: { type: 'order' | 'redemption' | 'refund' | 'redemption_void'; id: string },
    at = new Date(),
    /** `member` was read in `em` and nothing in it has moved its tier or grant since: no second read */
    memberIsCurrent = false,
  ): Promise<string> {
    try {
      await em.insert(SpendEntry, {
        allianceId: member.allianceId,
        memberId: member.id,
        merchantId,
        amountFen,
        sourceType: source.type,
        sourceId: source.id,
        createdAt: at,
      });
    } catch (error) {
      if (!isUniqueViolation(error, 'source')) throw error;
      return member.tierCode;
    }
    const tiers = await this.alliances.tiers(member.allianceId, em);
    const spendFen = await this.rollingSpendFen(member.id, at, em);
    const change = amountFen < 0 ? 'refund' : 'purchase';
    const fresh = memberIsCurrent ? member : await this.members.getIn(em, member.id);
    const grant = MemberStandingService.grantOf(fresh);
    const due = tierAfterSpendChange(tiers, fresh.tierCode, spendFen, change, grant, at);
    if (due.code === fresh.tierCode) return fresh.tierCode;
    await this.standing.setTier(em, fresh, { from: fresh.tierCode, to: due.code, reason: change }, at);
    return due.code;
  }

  /** The scheduled review: every member of the alliance gets the tier its rolling spend earns (up or down). */
  async review(allianceId: string, at = new Date()): Promise<number> {
    const tiers = await this.alliances.tiers(allianceId);
    const since = new Date(at.getTime() - YEAR_MS);
    let changed = 0;
    let lastId = '0';
    for (;;) {
      const rows: {
        id: string | number;
        tier_code: string;
        tier_grant_code: string | null;
        tier_grant_until: Date | string | null;
        spend: string | number;
      }[] = await this.spend.manager.query(
        `SELECT m.id, m.tier_code, m.tier_grant_code, m.tier_grant_until, COALESCE((SELECT SUM(s.amount_fen) FROM spend_entries s WHERE s.member_id = m.id AND s.created_at > ?), 0) AS spend
         FROM members m WHERE m.alliance_id = ? AND m.id > ? ORDER BY m.id LIMIT 500`,
        [
          this.spend.manager.connection.driver.preparePersistentValue(since, { type: 'datetime' } as never),
          allianceId,
          lastId,
        ],
      );
      if (!rows.length) return changed;
      for (const row of rows) {
        // A running operator grant is a floor the review does not go below.
        const grant = MemberStandingService.grantOf({
          tierGrantCode: row.tier_grant_code,
          tierGrantUntil: row.tier_grant_until === null ? null : readStoredTime(row.tier_grant_until),
        });
        const due = tierAfterSpendChange(tiers, row.tier_code, Number(row.spend), 'review', grant, at).code;
        if (due !== row.tier_code) {
          const member = { id: String(row.id), allianceId };
          const change = { from: row.tier_code, to: due, reason: 'review' as const, guarded: true };
          if (await this.tx.run((em) => this.standing.setTier(em, member, change, at))) changed++;
        }
      }
      lastId = String(rows[rows.length - 1].id);
    }
  }

  /** Replaces the alliance's ladder and moves every member to the tier its spend now earns. */
  async setTiers(allianceId: string, ladder: TierRule[]): Promise<TierRule[]> {
    await this.tx.run((em) => this.alliances.replaceTiers(em, allianceId, ladder));
    await this.review(allianceId);
    return this.alliances.tiers(allianceId);
  }
}
