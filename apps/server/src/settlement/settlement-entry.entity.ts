import type { SettlementEntryKind } from '@allycard/domain';
import { Column, Entity } from 'typeorm';
import { bigintNumber, IdColumn, idTransformer } from '../database/columns';

export type SettlementSourceType = 'redemption' | 'order' | 'refund' | 'redemption_void';

/**
 * A discount one party gave and another bears, posted in the transaction of the business event and dated
 * when it happened: a later refund posts a negative entry in its own period and never rewrites a closed
 * one. One entry per (source, kind).
 */
@Entity('settlement_entries')
export class SettlementEntry {
  @IdColumn()
  id: string;

  @Column({ type: 'bigint', transformer: idTransformer })
  allianceId: string;

  @Column({ type: 'varchar' })
  kind: SettlementEntryKind;

  /** the merchant that gave the discount */
  @Column({ type: 'bigint', transformer: idTransformer })
  beneficiaryMerchantId: string;

  /** 'alliance' or the id of the merchant that bears it (the beneficiary itself: nothing changes hands) */
  @Column({ type: 'varchar' })
  bearer: string;

  /** negative for reversals */
  @Column({ type: 'bigint', transformer: bigintNumber })
  amountFen: number;

  @Column({ type: 'varchar' })
  sourceType: SettlementSourceType;

  @Column({ type: 'bigint', transformer: idTransformer })
  sourceId: string;

  @Column({ type: 'datetime' })
  occurredAt: Date;
}
