import { Injectable } from '@nestjs/common';
import type { JoinResponse } from '@allycard/contracts';
import { Joined, MembersService } from '../members/members.service';
import type { Member } from '../members/member.entity';
import { CouponsService } from './coupons.service';

/** Joining as the API answers it: the member, and the coupons this join issued (none on a repeat). */
@Injectable()
export class JoiningService {
  constructor(
    private readonly members: MembersService,
    private readonly coupons: CouponsService,
  ) {}

  async join(input: { code: string; scene?: string }): Promise<JoinResponse> {
    return this.withGifts(await this.members.join(input));
  }

  async joinByOpenid(
    openid: string,
    source: { scene?: string; allianceId?: string; referrer?: Member },
  ): Promise<JoinResponse> {
    return this.withGifts(await this.members.joinByOpenid(openid, source));
  }

  /** The join gifts were issued by the MemberJoined listener inside the join's transaction. */
  private async withGifts({ token, member, newlyJoined, allianceId }: Joined): Promise<JoinResponse> {
    const coupons = newlyJoined ? await this.coupons.joinGifts(allianceId, member.id) : [];
    return { token, member, newlyJoined, coupons };
  }
}
