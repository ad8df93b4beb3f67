import { Injectable } from '@nestjs/common';
import { MESSAGE_TIPS, messageData, type MessageKind } from '@allycard/domain';
import { EntityManager } from 'typeorm';
import { MessageTemplatesService } from './message-templates.service';
import { EnqueueOutcome, SubscribeMessagesService } from './subscribe-messages.service';

/** The alliance's own messages (reminders, rewards, upgrades): its template for the kind, filled from the cause. */
@Injectable()
export class KindMessages {
  constructor(
    private readonly templates: MessageTemplatesService,
    private readonly messages: SubscribeMessagesService,
  ) {}

  /**
   * In the caller's transaction: the kind's message to the member, once per `cause` (prefixed with the
   * kind). Null when the alliance has no template for the kind.
   */
  async send(
    em: EntityManager,
    message: {
      allianceId: string;
      memberId: string;
      kind: MessageKind;
      cause: string;
      values: Record<string, string | number | Date>;
    },
  ): Promise<EnqueueOutcome | null> {
    const template = await this.templates.forKind(message.allianceId, message.kind, em);
    if (!template) return null;
    const fields = JSON.parse(template.fields) as Record<string, string>;
    return this.messages.enqueue(em, {
      allianceId: message.allianceId,
      memberId: message.memberId,
      templateId: template.templateId,
      page: template.page,
      data: messageData(fields, { tip: MESSAGE_TIPS[message.kind], ...message.values }),
      causeKey: `${message.kind}:${message.cause}`,
    });
  }
}
