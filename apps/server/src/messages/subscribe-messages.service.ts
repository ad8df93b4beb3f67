import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { MessagesExport, MySubscription, SubscriptionQuota } from '@allycard/contracts';
import { sendableAt } from '@allycard/domain';
import { APP_CONFIG, AppConfig } from '../common/config';
import { EntityManager, In, Repository } from 'typeorm';
import { Principal } from '../common/auth';
import { Clock } from '../common/clock';
import { validationFailed } from '../common/errors';
import { afterCommit, TransactionRunner } from '../common/transactions';
import { MembersService } from '../members/members.service';
import { OutboxDispatcher, OutboxOutcome } from '../outbox/outbox.dispatcher';
import { OutboxService, outboxTopic } from '../outbox/outbox.service';
import { WechatClient } from '../wechat/wechat.client';
import { MessageSubscription, SentMessage } from './message.entities';
import { MessageTemplatesService } from './message-templates.service';

/** A subscribe message to send: WeChat's template, page and data, and what caused it (one message per cause). */
export interface MessageToEnqueue {
  allianceId: string;
  memberId: string;
  /** WeChat's template id (a campaign's `message.templateId`, or the alliance's template for a kind) */
  templateId: string;
  /** the mini-program page it opens, e.g. coupon/mine/index */
  page: string;
  /** WeChat's data: {keyword: {value}} */
  data: Record<string, { value: string }>;
  /** unique per alliance, ≤ 128 characters: `campaign:<id>:<memberId>`, `coupon_expiring:<couponId>` … */
  causeKey: string;
}

/**
 * What enqueue decided: queued (one of the member's consents taken, the outbox row written), or
 * not — no consent left for the template, or the cause was decided before (the first decision stands).
 */
export type EnqueueOutcome =
  { queued: true; messageId: string } | { queued: false; reason: 'no_subscription' | 'duplicate_cause' };

export const SUBSCRIBE_MESSAGE_TOPIC = outboxTopic<{ sentMessageId: string }>('wechat.subscribe-message');

/** WeChat's answers that no resend can change: recorded on the message, never retried. */
const FINAL_REFUSALS = new Set([43101, 40037, 47003, 40003, 41030, 43104, 43107]);

/**
 * Subscribe messages (订阅消息): the members' one-time consents per template, and sending — each
 * cause once, only with a consent, never in quiet hours, through the outbox to
 * /cgi-bin/message/subscribe/send.
 */
@Injectable()
export class SubscribeMessagesService implements OnModuleInit {
  private readonly logger = new Logger(SubscribeMessagesService.name);

  constructor(
    @InjectRepository(MessageSubscription) private readonly subscriptions: Repository<MessageSubscription>,
    @InjectRepository(SentMessage) private readonly sent: Repository<SentMessage>,
    private readonly templates: MessageTemplatesService,
    private readonly members: MembersService,
    private readonly outbox: OutboxService,
    private readonly dispatcher: OutboxDispatcher,
    private readonly wechat: WechatClient,
    private readonly tx: TransactionRunner,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onModuleInit() {
    this.dispatcher.register(SUBSCRIBE_MESSAGE_TOPIC, ({ sentMessageId }) => this.deliver(sentMessageId));
  }

  /**
   * What the member answered in wx.requestSubscribeMessage: each accept allows one more message of
   * that template; a reject changes nothing. Only the alliance's templates may be answered.
   */
  async recordAnswers(
    who: Principal,
    results: Record<string, 'accept' | 'reject'>,
  ): Promise<SubscriptionQuota[]> {
    const known = new Set((await this.templates.templateIds(who.allianceId)).map((t) => t.templateId));
    const problems = Object.entries(results).flatMap(([templateId, answer]) => [
      ...(known.has(templateId) ? [] : [{ field: `results.${templateId}`, message: '不是本联盟的消息模板' }]),
      ...(answer === 'accept' || answer === 'reject'
        ? []
        : [{ field: `results.${templateId}`, message: 'must be accept or reject' }]),
    ]);
    if (!Object.keys(results).length)
      problems.push({ field: 'results', message: 'results must not be empty' });
    if (problems.length) throw validationFailed(problems);

    const member = await this.members.get(who);
    const now = this.clock.now();
    const ids = Object.keys(results);
    const rows = await this.tx.run(async (em) => {
      for (const [templateId, answer] of Object.entries(results)) {
        if (answer !== 'accept') continue;
        await em
          .createQueryBuilder()
          .insert()
          .into(MessageSubscription)
          .values({
            allianceId: who.allianceId,
            memberId: member.id,
            templateId,
            remaining: 0,
            updatedAt: now,
          })
          .orIgnore()
          .execute();
        await em
          .createQueryBuilder()
          .update(MessageSubscription)
          .set({ remaining: () => 'remaining + 1', updatedAt: now })
          .where('member_id = :member AND template_id = :templateId', { member: member.id, templateId })
          .execute();
      }
      afterCommit(em, () => this.wechat.reportSubscribeAnswers(member.openid, results), 'sandbox consents');
      return em.getRepository(MessageSubscription).findBy({ memberId: member.id, templateId: In(ids) });
    });
    return ids.map((templateId) => ({
      templateId,
      remaining: rows.find((r) => r.templateId === templateId)?.remaining ?? 0,
    }));
  }

  /** The alliance's message kinds with the member's consents left (消息设置, and what the app asks for). */
  async mine(who: Principal): Promise<MySubscription[]> {
    const templates = await this.templates.templateIds(who.allianceId);
    const rows = await this.subscriptions.findBy({ allianceId: who.allianceId, memberId: who.id });
    return templates.map((t) => ({
      kind: t.kind,
      templateId: t.templateId,
      remaining: rows.find((r) => r.templateId === t.templateId)?.remaining ?? 0,
    }));
  }

  /**
   * Inside the caller's transaction: decides the cause once (a unique key), takes one of the member's
   * consents for the template (a guarded update, never below 0) and writes the outbox row, due now or
   * at 08:00 Shanghai after quiet hours. Nothing leaves the database before the caller commits.
   */
  async enqueue(em: EntityManager, message: MessageToEnqueue): Promise<EnqueueOutcome> {
    const now = this.clock.now();
    const key = { allianceId: message.allianceId, causeKey: message.causeKey };
    await em
      .createQueryBuilder()
      .insert()
      .into(SentMessage)
      .values({
        ...key,
        memberId: message.memberId,
        templateId: message.templateId,
        page: message.page,
        data: JSON.stringify(message.data),
        status: 'new',
        errcode: null,
        createdAt: now,
        availableAt: now,
        sentAt: null,
      })
      .orIgnore()
      .execute();
    // The cause is ours only if we move it out of 'new': a racing or earlier decision already did.
    const claimed = await em.update(SentMessage, { ...key, status: 'new' }, { status: 'skipped' });
    if (claimed.affected !== 1) return { queued: false, reason: 'duplicate_cause' };

    const consent = await em
      .createQueryBuilder()
      .update(MessageSubscription)
      .set({ remaining: () => 'remaining - 1', updatedAt: now })
      .where(
        'member_id = :member AND alliance_id = :alliance AND template_id = :templateId AND remaining > 0',
        {
          member: message.memberId,
          alliance: message.allianceId,
          templateId: message.templateId,
        },
      )
      .execute();
    if (consent.affected !== 1) return { queued: false, reason: 'no_subscription' };

    const availableAt = this.config.quietHours ? sendableAt(now) : now;
    await em.update(SentMessage, key, { status: 'queued', availableAt });
    const row = await em.getRepository(SentMessage).findOneByOrFail(key);
    await this.outbox.enqueue(em, {
      allianceId: message.allianceId,
      topic: SUBSCRIBE_MESSAGE_TOPIC,
      key: `message:${row.id}`,
      payload: { sentMessageId: row.id },
      availableAt,
    });
    return { queued: true, messageId: row.id };
  }

  /** The outbox sender: one queued message to WeChat; a final refusal is recorded, not retried. */
  private async deliver(sentMessageId: string): Promise<OutboxOutcome> {
    const message = await this.sent.findOneBy({ id: sentMessageId });
    if (!message || message.status !== 'queued') return 'done';
    const member = await this.members.findInAlliance(message.allianceId, message.memberId);
    if (!member || member.openid.startsWith('closed:')) {
      await this.finish(message, { status: 'refused', errcode: null });
      return 'done';
    }
    const answer = await this.wechat.sendSubscribeMessage({
      openid: member.openid,
      templateId: message.templateId,
      page: message.page,
      data: JSON.parse(message.data) as Record<string, { value: string }>,
    });
    if (answer.errcode === 0) {
      await this.finish(message, { status: 'sent', errcode: 0, sentAt: new Date() });
      return 'done';
    }
    if (FINAL_REFUSALS.has(answer.errcode)) {
      this.logger.warn(
        `subscribe message ${message.id} refused by WeChat: ${answer.errcode} ${answer.errmsg}`,
      );
      await this.finish(message, { status: 'refused', errcode: answer.errcode });
      return 'done';
    }
    return { retry: `WeChat errcode ${answer.errcode} ${answer.errmsg}` };
  }

  private finish(message: SentMessage, outcome: Partial<SentMessage>) {
    return this.tx.run((em) => em.update(SentMessage, { id: message.id, status: 'queued' }, outcome));
  }

  /** Everything the module holds about the member, for GET /me/export (newest message first). */
  async exportOf(allianceId: string, memberId: string): Promise<MessagesExport> {
    const [subscriptions, sent] = await Promise.all([
      this.subscriptions.find({ where: { allianceId, memberId }, order: { id: 'ASC' } }),
      this.sent.find({ where: { allianceId, memberId }, order: { id: 'DESC' } }),
    ]);
    return {
      subscriptions: subscriptions.map((s) => ({ templateId: s.templateId, remaining: s.remaining })),
      messages: sent.map((m) => ({
        templateId: m.templateId,
        page: m.page,
        data: JSON.parse(m.data) as Record<string, { value: string }>,
        status: m.status,
        errcode: m.errcode,
        createdAt: m.createdAt.toISOString(),
        sentAt: m.sentAt?.toISOString() ?? null,
      })),
    };
  }
}
