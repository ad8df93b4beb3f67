import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
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
    const now = new Date();
    await em
      .createQueryBuilder()
      .insert()
      .into(OutboxMessage)
      .values({
        allianceId: message.allianceId,
        topic: message.topic.name,
        dedupeKey: message.key,
        payload: JSON.stringify(message.payload),
        status: 'pending',
        attempts: 0,
        availableAt: message.availableAt ?? now,
        lastError: null,
        createdAt: now,
        sentAt: null,
      })
      .orIgnore()
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
}
