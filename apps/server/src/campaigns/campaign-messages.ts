import { Injectable } from '@nestjs/common';
import type { CampaignRow } from './campaign.entities';

/**
 * Where a campaign's optional `message` will be sent. Subscribe messages (per-member, per-template
 * quotas, quiet hours, the outbox topic to WeChat's subscribe/send) are built on another branch;
 * once both are merged, `messageTargets` enqueues one message per member holding a subscription for
 * `message.templateId` and marks `campaign_targets.messaged_at`, which the report's `messaged` counts.
 * Until then no campaign sends anything, and `messaged` stays 0.
 */
@Injectable()
export class CampaignMessages {
  /** Called by the runner after each batch with the members it just gave something to. */
  async messageTargets(campaign: CampaignRow, memberIds: string[]): Promise<number> {
    if (!campaign.message || !memberIds.length) return 0;
    return 0;
  }
}
