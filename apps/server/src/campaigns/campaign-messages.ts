import { Injectable } from '@nestjs/common';
import type { CampaignMessage } from '@allycard/contracts';
import { EntityManager, In, IsNull } from 'typeorm';
import { SubscribeMessagesService } from '../messages/subscribe-messages.service';
import { SubscribeMessagesBatch } from '../messages/subscribe-messages-batch.service';
import { CampaignRow, CampaignTarget } from './campaign.entities';

/**
 * A campaign's optional `message`, sent to a target in the same transaction that gives it the
 * coupon or points: one per member (the cause key `campaign:<id>:<member>`), only to members holding
 * a subscription for `message.templateId` (one of its consents is used), through the outbox, held
 * in quiet hours. A kill -9 leaves both the gift and its message, or neither. A batch's targets are
 * messaged together (messageBatch: set-based statements), a target on the slow path alone.
 */
@Injectable()
export class CampaignMessages {
  constructor(
    private readonly subscribe: SubscribeMessagesService,
    private readonly batch: SubscribeMessagesBatch,
  ) {}

  private static causeKey(campaign: CampaignRow, memberId: string): string {
    return `campaign:${campaign.id}:${memberId}`;
  }

  /** Inside the batch's transaction, for the targets it gave something; how many were messaged. */
  async messageBatch(
    em: EntityManager,
    campaign: CampaignRow,
    targets: CampaignTarget[],
    at: Date,
  ): Promise<number> {
    if (!campaign.message || !targets.length) return 0;
    const message = JSON.parse(campaign.message) as CampaignMessage;
    const outcome = await this.batch.enqueueMany(
      em,
      campaign.allianceId,
      message.templateId,
      targets.map((t) => ({
        memberId: t.memberId,
        page: message.page,
        data: message.data,
        causeKey: CampaignMessages.causeKey(campaign, t.memberId),
      })),
    );
    const messaged = targets.filter(
      (t) => outcome.get(CampaignMessages.causeKey(campaign, t.memberId))?.queued,
    );
    if (messaged.length)
      await em.update(
        CampaignTarget,
        { id: In(messaged.map((t) => t.id)), messagedAt: IsNull() },
        { messagedAt: at },
      );
    return messaged.length;
  }

  /** Inside the target's transaction, after it was given something; true when a message was queued. */
  async messageTarget(
    em: EntityManager,
    campaign: CampaignRow,
    target: CampaignTarget,
    at: Date,
  ): Promise<boolean> {
    if (!campaign.message) return false;
    const message = JSON.parse(campaign.message) as CampaignMessage;
    const outcome = await this.subscribe.enqueue(em, {
      allianceId: campaign.allianceId,
      memberId: target.memberId,
      templateId: message.templateId,
      page: message.page,
      data: message.data,
      causeKey: CampaignMessages.causeKey(campaign, target.memberId),
    });
    if (!outcome.queued) return false;
    await em.update(CampaignTarget, { id: target.id, messagedAt: IsNull() }, { messagedAt: at });
    return true;
  }
}
