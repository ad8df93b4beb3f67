import { Inject, Injectable } from '@nestjs/common';
import { sendableAt } from '@allycard/domain';
import { EntityManager, In } from 'typeorm';
import { Clock } from '../common/clock';
import { APP_CONFIG, AppConfig } from '../common/config';
import { RetryableConflict } from '../common/transactions';
import { OutboxService } from '../outbox/outbox.service';
import { MessageSubscription, SentMessage } from './message.entities';
import { EnqueueOutcome, MessageToEnqueue, SUBSCRIBE_MESSAGE_TOPIC } from './subscribe-messages.service';

/** rows per statement (well under SQLite's bound-parameter limit) */
const CHUNK = 500;

/** One member's message of a batch: the batch names the alliance and WeChat template once. */
export type BatchMessage = Omit<MessageToEnqueue, 'allianceId' | 'templateId'>;

/**
 * SubscribeMessagesService.enqueue for many members at once (a campaign batch), in set-based
 * statements inside the caller's transaction, with the same rules: each cause is decided once (a
 * multi-row insert on the unique cause key; a cause already there stays as it was decided), each
 * message takes one of its member's consents for the template (a locked read of the consents left
 * and one guarded update of them all, checked by its affected rows), and the outbox rows of the
 * queued ones go in one multi-row insert, due now or at 08:00 Shanghai after quiet hours.
 */
@Injectable()
export class SubscribeMessagesBatch {
  constructor(
    private readonly outbox: OutboxService,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** What was decided for each message, by its cause key. A member may appear once per call. */
  async enqueueMany(
    em: EntityManager,
    allianceId: string,
    templateId: string,
    messages: BatchMessage[],
  ): Promise<Map<string, EnqueueOutcome>> {
    if (new Set(messages.map((m) => m.memberId)).size !== messages.length)
      throw new Error('enqueueMany: a member appears twice');
    if (new Set(messages.map((m) => m.causeKey)).size !== messages.length)
      throw new Error('enqueueMany: a cause appears twice');
    const outcome = new Map<string, EnqueueOutcome>();
    for (let i = 0; i < messages.length; i += CHUNK)
      for (const [cause, o] of await this.enqueueChunk(
        em,
        allianceId,
        templateId,
        messages.slice(i, i + CHUNK),
      ))
        outcome.set(cause, o);
    return outcome;
  }

  private async enqueueChunk(
    em: EntityManager,
    allianceId: string,
    templateId: string,
    messages: BatchMessage[],
  ): Promise<Map<string, EnqueueOutcome>> {
    const outcome = new Map<string, EnqueueOutcome>();
    if (!messages.length) return outcome;
    const now = this.clock.now();
    const causes = messages.map((m) => m.causeKey);
    await em
      .createQueryBuilder()
      .insert()
      .into(SentMessage)
      .values(
        messages.map((m) => ({
          allianceId,
          causeKey: m.causeKey,
          memberId: m.memberId,
          templateId,
          page: m.page,
          data: JSON.stringify(m.data),
          status: 'new' as const,
          errcode: null,
          createdAt: now,
          availableAt: now,
          sentAt: null,
        })),
      )
      .orIgnore()
      .updateEntity(false)
      .execute();
    // 'new' lives only inside the deciding transaction: the rows still 'new' are the ones just
    // inserted here; a cause decided before (or by a racing transaction, which the insert waited for)
    // keeps its first decision
    const ours = await em.find(SentMessage, {
      select: { id: true, memberId: true, causeKey: true },
      where: { allianceId, causeKey: In(causes), status: 'new' },
    });
    const ourCauses = new Set(ours.map((r) => r.causeKey));
    for (const cause of causes)
      if (!ourCauses.has(cause)) outcome.set(cause, { queued: false, reason: 'duplicate_cause' });
    if (!ours.length) return outcome;

    // the consents left, locked (MySQL) until the batch commits, then taken all in one guarded update
    const consentsQuery = em
      .createQueryBuilder(MessageSubscription, 's')
      .select('s.member_id', 'memberId')
      .where('s.alliance_id = :allianceId AND s.template_id = :templateId AND s.remaining > 0', {
        allianceId,
        templateId,
      })
      .andWhere('s.member_id IN (:...members)', { members: ours.map((r) => r.memberId) });
    if (em.connection.options.type !== 'better-sqlite3') consentsQuery.setLock('pessimistic_write');
    const consenting = new Set(
      (await consentsQuery.getRawMany<{ memberId: string | number }>()).map((r) => String(r.memberId)),
    );
    if (consenting.size) {
      const taken = await em
        .createQueryBuilder()
        .update(MessageSubscription)
        .set({ remaining: () => 'remaining - 1', updatedAt: now })
        .where('alliance_id = :allianceId AND template_id = :templateId AND remaining > 0', {
          allianceId,
          templateId,
        })
        .andWhere('member_id IN (:...members)', { members: [...consenting] })
        .execute();
      if (taken.affected !== consenting.size) throw new RetryableConflict('consents moved during the batch');
    }

    const availableAt = this.config.quietHours ? sendableAt(now) : now;
    const queued = ours.filter((r) => consenting.has(r.memberId));
    const refused = ours.filter((r) => !consenting.has(r.memberId));
    if (queued.length)
      await em.update(
        SentMessage,
        { id: In(queued.map((r) => r.id)), status: 'new' },
        { status: 'queued', availableAt },
      );
    if (refused.length)
      await em.update(
        SentMessage,
        { id: In(refused.map((r) => r.id)), status: 'new' },
        { status: 'skipped' },
      );
    await this.outbox.enqueueMany(
      em,
      SUBSCRIBE_MESSAGE_TOPIC,
      queued.map((r) => ({
        allianceId,
        key: `message:${r.id}`,
        payload: { sentMessageId: r.id },
        availableAt,
      })),
    );
    for (const r of queued) outcome.set(r.causeKey, { queued: true, messageId: r.id });
    for (const r of refused) outcome.set(r.causeKey, { queued: false, reason: 'no_subscription' });
    return outcome;
  }
}
