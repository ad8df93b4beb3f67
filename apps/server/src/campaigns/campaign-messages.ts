import { Injectable } from '@nestjs/common';
import type { CampaignMessage } from '@allycard/contracts';
import { EntityManager, IsNull } from 'typeorm';
import { SubscribeMessagesService } from '../messages/subscribe-messages.service';
import { CampaignRow, CampaignTarget } from './campaign.entities';

/**
 * A campaign's optional `message`, sent to a target in the same transaction that gives it the
 * coupon or points: one per member (the cause key `campaign:<id>:<member>`), only to members holding
 * a subscription for `message.templateId` (one of its consents is used), through the outbox, held
 * in quiet hours. A kill -9 leaves both the gift and its message, or neither.
 */
@Injectable()
export class CampaignMessages {
  constructor(private readonly subscribe: SubscribeMessagesService) {}

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
      causeKey: `campaign:${campaign.id}:${target.memberId}`,
    });
    if (!outcome.queued) return false;
    await em.update(CampaignTarget, { id: target.id, messagedAt: IsNull() }, { messagedAt: at });
    return true;
  }
}
