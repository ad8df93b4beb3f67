import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { TransactionRunner } from '../common/transactions';
import { OutboxMessage, OutboxStatus } from './outbox.entity';
import { OutboxTopic } from './outbox.service';

/** What a sender reports: the effect is done (or no longer needed), or its outcome is unknown. */
export type OutboxOutcome = 'done' | { retry: string };

/** Sends one message. It must be safe to repeat: it runs again after a crash or an unknown outcome. */
export type OutboxHandler<P> = (payload: P, message: OutboxMessage) => Promise<OutboxOutcome>;

export const MAX_ATTEMPTS = 10;
/** A claimed message is due again after this if its sender died mid-send (the WeChat client times out at 5 s). */
export const CLAIM_MS = 15_000;
const BATCH = 50;

/** 30 s after the first failure, doubling, at most an hour apart: ten attempts span about six hours. */
export function retryDelayMs(attempts: number): number {
  return Math.min(30_000 * 2 ** (attempts - 1), 3_600_000);
}

/**
 * Sends outbox messages. Each attempt first claims its row with a guarded update (pending, due, and
 * the attempt count it read), which also pushes the row's due time past the send: a second sender —
 * another replica, or the dispatcher against a business action sending its own row at once — finds
 * nothing to claim. A sender that dies leaves the row due again a little later, never lost; resends
 * carry the business's own idempotency handle, so the receiver applies them once.
 */
@Injectable()
export class OutboxDispatcher implements OnModuleDestroy {
  private readonly logger = new Logger(OutboxDispatcher.name);
  private readonly handlers = new Map<string, OutboxHandler<never>>();
  /**
   * Set on shutdown (the first hook, before JobLeases waits for running jobs): a dispatch run stops
   * after the message in hand, so its lease is released soon.
   */
  private stopping = false;

  constructor(
    @InjectRepository(OutboxMessage) private readonly messages: Repository<OutboxMessage>,
    private readonly tx: TransactionRunner,
  ) {}

  /** Called once by the module that owns the topic. */
  register<P>(topic: OutboxTopic<P>, handler: OutboxHandler<P>): void {
    if (this.handlers.has(topic.name)) throw new Error(`outbox topic ${topic.name} registered twice`);
    this.handlers.set(topic.name, handler as OutboxHandler<never>);
  }

  /**
   * Sends the message of `topic` and `key` now, if it is due and nobody else is sending it: a business
   * action calls this right after committing, so its answer can reflect the outcome.
   */
  async sendNow<P>(topic: OutboxTopic<P>, key: string, now = new Date()): Promise<OutboxStatus | null> {
    const message = await this.messages.findOneBy({ topic: topic.name, dedupeKey: key });
    if (!message) return null;
    if (message.status === 'pending' && message.availableAt <= now) await this.attempt(message, now);
    return (await this.messages.findOneByOrFail({ id: message.id })).status;
  }

  onModuleDestroy() {
    this.stopping = true;
  }

  /** Due messages, oldest first, until none is left, the time budget is spent or the process stops. */
  async dispatchDue(
    now = new Date(),
    budgetMs = 40_000,
  ): Promise<{ sent: number; retried: number; dead: number }> {
    const counts = { sent: 0, retried: 0, dead: await this.buryAbandoned(now) };
    const until = Date.now() + budgetMs;
    while (Date.now() < until && !this.stopping) {
      const due = await this.messages
        .createQueryBuilder('o')
        .where("o.status = 'pending' AND o.available_at <= :now AND o.attempts < :max", {
          now,
          max: MAX_ATTEMPTS,
        })
        .orderBy('o.available_at', 'ASC')
        .addOrderBy('o.id', 'ASC')
        .take(BATCH)
        .getMany();
      if (!due.length) break;
      for (const message of due) {
        const status = await this.attempt(message, now);
        if (status === 'sent') counts.sent++;
        else if (status === 'dead') counts.dead++;
        else if (status === 'pending') counts.retried++;
        if (Date.now() >= until || this.stopping) break;
      }
      // Each batch gives the event loop a turn: with SQLite every query completes synchronously, and a
      // long run would otherwise hold off requests and signals (SIGTERM) until it ends.
      await new Promise((resolve) => setImmediate(resolve));
    }
    return counts;
  }

  /** One attempt: claim, send, record. Null when another sender holds the message. */
  private async attempt(message: OutboxMessage, now: Date): Promise<OutboxStatus | null> {
    const attempt = message.attempts + 1;
    const claimed = await this.tx.run((em) =>
      em
        .createQueryBuilder()
        .update(OutboxMessage)
        .set({ attempts: attempt, availableAt: new Date(now.getTime() + CLAIM_MS) })
        .where("id = :id AND status = 'pending' AND attempts = :seen AND available_at <= :now", {
          id: message.id,
          seen: message.attempts,
          now,
        })
        .execute(),
    );
    if (claimed.affected !== 1) return null;

    let outcome: OutboxOutcome;
    const handler = this.handlers.get(message.topic);
    try {
      outcome = handler
        ? await handler(JSON.parse(message.payload) as never, { ...message, attempts: attempt })
        : { retry: `no sender registered for ${message.topic}` };
    } catch (error) {
      this.logger.error(`outbox ${message.id} (${message.topic}) failed: ${(error as Error).stack ?? error}`);
      outcome = { retry: (error as Error).message || String(error) };
    }

    const next: Partial<OutboxMessage> =
      outcome === 'done'
        ? { status: 'sent', sentAt: new Date(), lastError: null }
        : attempt >= MAX_ATTEMPTS
          ? { status: 'dead', lastError: outcome.retry.slice(0, 255) }
          : {
              availableAt: new Date(now.getTime() + retryDelayMs(attempt)),
              lastError: outcome.retry.slice(0, 255),
            };
    if (next.status === 'dead')
      this.logger.error(
        `outbox ${message.id} (${message.topic} ${message.dedupeKey}) is dead: ${next.lastError}`,
      );
    // Guarded by the attempt number: a sender whose claim expired does not overwrite a newer attempt.
    await this.tx.run((em) =>
      em.update(OutboxMessage, { id: message.id, status: 'pending', attempts: attempt }, next),
    );
    return next.status ?? 'pending';
  }

  /** Rows whose last allowed attempt never reported back (its sender died) are dead too. */
  private async buryAbandoned(now: Date): Promise<number> {
    const buried = await this.tx.run((em) =>
      em
        .createQueryBuilder()
        .update(OutboxMessage)
        .set({
          status: 'dead',
          lastError: () => "COALESCE(last_error, 'the last attempt never reported back')",
        })
        .where("status = 'pending' AND attempts >= :max AND available_at <= :now", { max: MAX_ATTEMPTS, now })
        .execute(),
    );
    return buried.affected ?? 0;
  }
}
