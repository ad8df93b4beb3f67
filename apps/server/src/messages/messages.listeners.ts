import { Injectable } from '@nestjs/common';
import { AlliancesService } from '../alliances/alliances.service';
import { TransactionRunner } from '../common/transactions';
import { RewardGranted, TierChanged } from '../events/domain-events';
import { AfterCommit } from '../events/event-bus';
import { KindMessages } from './kind-messages.service';

/**
 * Messages that follow what happened. After commit (a message may lag; it never fails the purchase
 * that caused it), each in its own transaction, once per cause however often it is delivered.
 */
@Injectable()
export class MessagesListeners {
  constructor(
    private readonly kinds: KindMessages,
    private readonly alliances: AlliancesService,
    private readonly tx: TransactionRunner,
  ) {}

  /** 拉新奖励到账: the referrer hears that the friend's first purchase earned it something. */
  @AfterCommit(RewardGranted)
  async referralReward({ referrer, friendId, reward, at }: RewardGranted): Promise<void> {
    await this.tx.run((em) =>
      this.kinds.send(em, {
        allianceId: referrer.allianceId,
        memberId: referrer.id,
        kind: 'referral_reward',
        cause: friendId,
        values: { rewardTitle: reward.couponTitle ?? `${reward.points} 积分`, rewardedAt: at },
      }),
    );
  }

  /** 会员等级提升: only a move up the ladder (a refund's or the review's move down says nothing). */
  @AfterCommit(TierChanged)
  async tierUpgraded({ member, from, to, changeId, at }: TierChanged): Promise<void> {
    const tiers = await this.alliances.tiers(member.allianceId);
    const [was, now] = [tiers.find((t) => t.code === from), tiers.find((t) => t.code === to)];
    if (!now || (was && was.minSpendFen >= now.minSpendFen)) return;
    await this.tx.run((em) =>
      this.kinds.send(em, {
        allianceId: member.allianceId,
        memberId: member.id,
        kind: 'tier_upgraded',
        cause: changeId,
        values: { tierName: now.name, upgradedAt: at },
      }),
    );
  }
}
