import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { readStoredTime } from '../database/columns';
import { OutboxMessage } from './outbox.entity';

/** A kind of outbox message and the shape of its payload; the owning module registers its sender. */
export interface OutboxTopic<P> {
  readonly name: string;
  /** never set: carries the payload type */
  readonly payload?: P;
}

export const outboxTopic = <P>(name: string): OutboxTopic<P> => ({ name });

/** Writing outbox rows (inside the business transaction) and reading their state for operators. */
@Injectable()
export class OutboxService {
  constructor(@InjectRepository(OutboxMessage) private readonly messages: Repository<OutboxMessage>) {}

  /**
   * Records an effect to send, in the caller's transaction: it commits with the business change or
   * not at all. The same topic and key twice is one message (the first).
   */
  async enqueue<P>(
    em: EntityManager,
    message: { allianceId: string; topic: OutboxTopic<P>; key: string; payload: P; availableAt?: Date },
  ): Promise<void> {
    await this.enqueueMany(em, message.topic, [message]);
  }

  /**
   * enqueue for many messages of one topic at once, in the caller's transaction: one multi-row insert
   * (a campaign batch's messages); a topic and key already there stays the first message.
   */
  async enqueueMany<P>(
    em: EntityManager,
    topic: OutboxTopic<P>,
    messages: { allianceId: string; key: string; payload: P; availableAt?: Date }[],
  ): Promise<void> {
    if (!messages.length) return;
    const now = new Date();
    await em
      .createQueryBuilder()
      .insert()
      .into(OutboxMessage)
      .values(
        messages.map((m) => ({
          allianceId: m.allianceId,
          topic: topic.name,
          dedupeKey: m.key,
          payload: JSON.stringify(m.payload),
          status: 'pending' as const,
          attempts: 0,
          availableAt: m.availableAt ?? now,
          lastError: null,
          createdAt: now,
          sentAt: null,
        })),
      )
      .orIgnore()
      .updateEntity(false)
      .execute();
  }

  /** Messages that gave up after every retry: a person must look (health, invariants, console). */
  dead(allianceId?: string, take = 50): Promise<OutboxMessage[]> {
    return this.messages.find({
      where: { status: 'dead', ...(allianceId && { allianceId }) },
      order: { id: 'ASC' },
      take,
    });
  }

  async counts(): Promise<{ pending: number; dead: number }> {
    const rows: { status: string; n: string | number }[] = await this.messages
      .createQueryBuilder('o')
      .select('o.status', 'status')
      .addSelect('COUNT(*)', 'n')
      .where("o.status IN ('pending', 'dead')")
      .groupBy('o.status')
      .getRawMany();
    const of = (status: string) => Number(rows.find((r) => r.status === status)?.n ?? 0);
    return { pending: of('pending'), dead: of('dead') };
  }

  /**
   * What is waiting to be sent (readiness and metrics): pending and dead counts, when the oldest
   * pending message was written, and since when the oldest message that is due has been due — the
   * dispatcher's lag. A retry waiting for its backoff is not lag: its time has not come.
   */
  async backlog(now = new Date()): Promise<{
    pending: number;
    dead: number;
    oldestPendingAt: Date | null;
    oldestDueAt: Date | null;
  }> {
    const { pending, dead } = await this.counts();
    if (!pending) return { pending, dead, oldestPendingAt: null, oldestDueAt: null };
    const row = await this.messages
      .createQueryBuilder('o')
      .select('MIN(o.created_at)', 'created')
      .addSelect('MIN(CASE WHEN o.available_at <= :now THEN o.available_at END)', 'due')
      .where("o.status = 'pending'")
      .setParameters({ now })
      .getRawOne<{ created: string | Date | null; due: string | Date | null }>();
    const time = (t: string | Date | null | undefined) => (t ? readStoredTime(t) : null);
    return { pending, dead, oldestPendingAt: time(row?.created), oldestDueAt: time(row?.due) };
  }
}
