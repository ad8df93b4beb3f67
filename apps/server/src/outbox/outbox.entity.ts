import { Column, Entity } from 'typeorm';
import { IdColumn, idTransformer } from '../database/columns';

export type OutboxStatus = 'pending' | 'sent' | 'dead';

/**
 * An effect that leaves the database (a WeChat call, later messages and webhooks), written in the
 * same transaction as the business change that causes it and sent by the dispatcher.
 */
@Entity('outbox')
export class OutboxMessage {
  @IdColumn()
  id: string;

  @Column({ type: 'bigint', transformer: idTransformer })
  allianceId: string;

  @Column()
  topic: string;

  /** the business's own idempotency handle (out_refund_no, out_trade_no …): unique per topic */
  @Column()
  dedupeKey: string;

  @Column({ type: 'text' })
  payload: string;

  @Column({ type: 'varchar' })
  status: OutboxStatus;

  /** attempts started so far; each claim increments it, so it also tells a stale sender apart */
  @Column({ type: 'int' })
  attempts: number;

  /** when the next attempt is due (a claimed row is due again only if its sender vanished) */
  @Column({ type: 'datetime' })
  availableAt: Date;

  @Column({ type: 'varchar', nullable: true })
  lastError: string | null;

  @Column({ type: 'datetime' })
  createdAt: Date;

  @Column({ type: 'datetime', nullable: true })
  sentAt: Date | null;
}
