import { Column, Entity } from 'typeorm';
import type { MessageKind } from '@allycard/domain';
import { IdColumn, idTransformer } from '../database/columns';

/** The alliance's WeChat template for one kind of message: its id, the page it opens, its field mapping. */
@Entity('message_templates')
export class MessageTemplate {
  @IdColumn()
  id: string;

  @Column({ type: 'bigint', transformer: idTransformer })
  allianceId: string;

  @Column({ type: 'varchar' })
  kind: MessageKind;

  @Column()
  templateId: string;

  @Column()
  page: string;

  /** {keyword: field} as JSON */
  @Column({ type: 'text' })
  fields: string;

  @Column({ type: 'datetime' })
  updatedAt: Date;
}

/** How many more messages of a template the member allowed (each accept in WeChat's dialog is one). */
@Entity('message_subscriptions')
export class MessageSubscription {
  @IdColumn()
  id: string;

  @Column({ type: 'bigint', transformer: idTransformer })
  allianceId: string;

  @Column({ type: 'bigint', transformer: idTransformer })
  memberId: string;

  @Column()
  templateId: string;

  @Column({ type: 'int' })
  remaining: number;

  @Column({ type: 'datetime' })
  updatedAt: Date;
}

export type SentMessageStatus = 'new' | 'queued' | 'sent' | 'refused' | 'skipped';

/** One message cause, decided once ('new' only inside the deciding transaction): queued (a consent taken) and then sent or refused, or skipped. */
@Entity('sent_messages')
export class SentMessage {
  @IdColumn()
  id: string;

  @Column({ type: 'bigint', transformer: idTransformer })
  allianceId: string;

  @Column({ type: 'bigint', transformer: idTransformer })
  memberId: string;

  @Column()
  templateId: string;

  @Column()
  causeKey: string;

  @Column()
  page: string;

  /** WeChat's data ({keyword: {value}}) as JSON */
  @Column({ type: 'text' })
  data: string;

  @Column({ type: 'varchar' })
  status: SentMessageStatus;

  @Column({ type: 'int', nullable: true })
  errcode: number | null;

  @Column({ type: 'datetime' })
  createdAt: Date;

  @Column({ type: 'datetime' })
  availableAt: Date;

  @Column({ type: 'datetime', nullable: true })
  sentAt: Date | null;
}
