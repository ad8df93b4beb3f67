import { Injectable } from '@nestjs/common';
import { MESSAGE_TIPS, messageData, type MessageKind } from '@allycard/domain';
import { EntityManager } from 'typeorm';
import { Clock } from '../common/clock';
import { afterCommit } from '../common/transactions';
import { OutboxDispatcher } from '../outbox/outbox.dispatcher';
import { MessageTemplatesService } from './message-templates.service';
import {
  EnqueueOutcome,
  SUBSCRIBE_MESSAGE_TOPIC,
  SubscribeMessagesService,
} from './subscribe-messages.service';

/** The alliance's own messages (reminders, rewards, upgrades): its template for the kind, filled from the cause. */
@Injectable()
export class KindMessages {
  constructor(
    private readonly templates: MessageTemplatesService,
    private readonly messages: SubscribeMessagesService,
    private readonly dispatcher: OutboxDispatcher,
    private readonly clock: Clock,
  ) {}

  /**
   * In the caller's transaction: the kind's message to the member, once per `cause` (prefixed with the
   * kind). Null when the alliance has no template for the kind. A queued message is sent right after
   * the caller commits (outside quiet hours); the dispatcher retries it if that fails.
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
    const outcome = await this.messages.enqueue(em, {
      allianceId: message.allianceId,
      memberId: message.memberId,
      templateId: template.templateId,
      page: template.page,
      data: messageData(fields, { tip: MESSAGE_TIPS[message.kind], ...message.values }),
      causeKey: `${message.kind}:${message.cause}`,
    });
    if (outcome.queued)
      afterCommit(
        em,
        async () => {
          await this.dispatcher.sendNow(
            SUBSCRIBE_MESSAGE_TOPIC,
            `message:${outcome.messageId}`,
            this.clock.now(),
          );
        },
        'send message',
      );
    return outcome;
  }
}
