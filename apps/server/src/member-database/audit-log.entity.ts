import { Column, Entity } from 'typeorm';
import type { AuditAction } from '@allycard/contracts';
import { IdColumn, idTransformer } from '../database/columns';

/** Who did what to which member, when and why: every operator action on personal data and export. */
@Entity('audit_log')
export class AuditLogRow {
  @IdColumn()
  id: string;

  @Column({ type: 'bigint', transformer: idTransformer })
  allianceId: string;

  @Column({ type: 'bigint', transformer: idTransformer })
  actorId: string;

  @Column()
  actorRole: string;

  @Column({ type: 'varchar' })
  action: AuditAction;

  @Column({ type: 'bigint', nullable: true, transformer: idTransformer })
  memberId: string | null;

  @Column({ type: 'varchar', nullable: true })
  reason: string | null;

  /** JSON: what the action changed or which filters an export used */
  @Column({ type: 'text' })
  detail: string;

  @Column({ type: 'datetime' })
  createdAt: Date;
}
