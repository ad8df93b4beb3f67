import { Injectable } from '@nestjs/common';
import { parseInstant, tierAfterSpendChange } from '@allycard/domain';
import type { AdminMember } from '@allycard/contracts';
import { AlliancesService } from '../alliances/alliances.service';
import type { Principal } from '../common/auth';
import { DomainError, notFound, validationFailed } from '../common/errors';
import { rememberResult } from '../common/idempotency';
import { TransactionRunner } from '../common/transactions';
import { MembersService } from '../members/members.service';
import { MemberStandingService } from '../members/member-standing.service';
import { LedgerService } from '../points/ledger.service';
import { TiersService } from '../points/tiers.service';
import { AuditLogService } from './audit-log.service';
import { MemberDetailService } from './member-detail.service';
import { MemberListService } from './member-list.service';

/**
 * The alliance operator's actions on a member. Each writes its audit-log row in its own transaction,
 * and changes the member only through the owning module's transitions (members/, the points ledger).
 */
@Injectable()
export class MemberActionsService {
  constructor(
    private readonly tx: TransactionRunner,
    private readonly audit: AuditLogService,
    private readonly detail: MemberDetailService,
    private readonly list: MemberListService,
    private readonly members: MembersService,
    private readonly standing: MemberStandingService,
    private readonly alliances: AlliancesService,
    private readonly tiers: TiersService,
    private readonly ledger: LedgerService,
  ) {}

  /** 甄选 SVIP: at least `tierCode` until `until`; the member moves up to it now if below. */
  async grantTier(
    who: Principal,
    memberId: string,
    body: { tierCode: string; until: string; reason: string },
  ): Promise<AdminMember> {
    await this.detail.visibleMember(who, memberId);
    const ladder = await this.alliances.tiers(who.allianceId);
    if (!ladder.some((t) => t.code === body.tierCode))
      throw validationFailed([{ field: 'tierCode', message: 'not a tier of this alliance' }]);
    const now = new Date();
    const until = parseInstant(body.until)!;
    if (until <= now) throw validationFailed([{ field: 'until', message: 'must be in the future' }]);
    const grant = { code: body.tierCode, until };
    await this.tx.run(async (em) => {
      const member = await this.members.getIn(em, memberId);
      const spendFen = await this.tiers.rollingSpendFen(member.id, now, em);
      // A purchase never lowers: the grant lifts the member to its floor, a higher tier stays.
      const due = tierAfterSpendChange(ladder, member.tierCode, spendFen, 'purchase', grant, now);
      await this.standing.grantTier(em, member, grant, due.code, now);
      await this.audit.record(
        em,
        who,
        {
          action: 'tier_grant',
          memberId,
          reason: body.reason,
          detail: {
            tierCode: body.tierCode,
            until: until.toISOString(),
            from: member.tierCode,
            to: due.code,
          },
        },
        now,
      );
    });
    return (await this.list.one(who, memberId))!;
  }

  /** Points in or out against the alliance's adjustment account; a debit never goes below 0. */
  async adjustPoints(
    who: Principal,
    memberId: string,
    body: { points: number; reason: string },
  ): Promise<{ balance: number }> {
    await this.detail.visibleMember(who, memberId);
    return this.tx.run(async (em) => {
      const now = new Date();
      const member = await this.members.getIn(em, memberId);
      const row = await this.audit.record(
        em,
        who,
        { action: 'points_adjustment', memberId, reason: body.reason, detail: { points: body.points } },
        now,
      );
      const balance = await this.ledger.adjust(
        em,
        member,
        body.points,
        { type: 'adjustment', id: row.id, merchantId: null },
        now,
      );
      await this.audit.setDetail(em, row, { points: body.points, balance });
      await rememberResult(em, 'points-adjust', row.id);
      return { balance };
    });
  }

  /** The answer of an adjustment again (an Idempotency-Key retry after a crash). */
  async adjustment(who: Principal, auditId: string): Promise<{ balance: number }> {
    const row = await this.audit.get(who.allianceId, auditId);
    if (!row) throw notFound('积分调整');
    return { balance: Number((JSON.parse(row.detail) as { balance: number }).balance) };
  }

  /** The full phone number, for a reason the audit log keeps. */
  async revealPhone(who: Principal, memberId: string, reason: string): Promise<{ phone: string }> {
    const member = await this.detail.visibleMember(who, memberId);
    const phone = this.members.fullPhone(member);
    if (!phone) throw new DomainError('NOT_FOUND', 404, '该会员未绑定手机号');
    await this.tx.run((em) =>
      this.audit.record(em, who, { action: 'phone_reveal', memberId, reason, detail: {} }),
    );
    return { phone };
  }
}
