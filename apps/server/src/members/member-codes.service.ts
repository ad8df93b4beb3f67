import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { MemberCode } from '@allycard/contracts';
import { issueMemberCode, verifyMemberCode } from '@allycard/domain';
import { Repository } from 'typeorm';
import { Principal } from '../common/auth';
import { MemberCodeKey } from '../common/crypto';
import { DomainError } from '../common/errors';
import { Member } from './member.entity';
import { MembersService } from './members.service';

/** A staff scan of a code that names no (open) member. */
export const invalidMemberCode = () => new DomainError('CODE_INVALID', 422, '无效的会员码');

/** The rotating member code the card shows and the counter scans (rules in packages/domain). */
@Injectable()
export class MemberCodesService {
  constructor(
    @InjectRepository(Member) private readonly members: Repository<Member>,
    private readonly memberAccounts: MembersService,
    private readonly codeKey: MemberCodeKey,
  ) {}

  async memberCode(who: Principal): Promise<MemberCode> {
    const member = await this.memberAccounts.get(who);
    const { code, expiresAt } = issueMemberCode(this.codeKey.mac, member.allianceId, member.id, new Date());
    return { code, expiresAt: expiresAt.toISOString() };
  }

  /** Staff scan: the member a rotating code names, if the code is genuine, fresh and of this alliance. */
  async lookupByCode(staff: Principal, memberCode: string): Promise<Member> {
    const check = verifyMemberCode(
      this.codeKey.mac,
      staff.allianceId,
      memberCode,
      new Date(),
      this.codeKey.equal,
    );
    if (!check.ok) {
      if (check.reason === 'expired')
        throw new DomainError('CODE_EXPIRED', 422, '会员码已过期，请让顾客刷新会员码');
      throw invalidMemberCode();
    }
    const member = await this.members.findOneBy({ id: check.memberId, allianceId: staff.allianceId });
    if (!member || member.closedAt) throw invalidMemberCode();
    return member;
  }
}
