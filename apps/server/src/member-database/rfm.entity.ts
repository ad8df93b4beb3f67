import { Column, Entity } from 'typeorm';
import { bigintNumber, idTransformer } from '../database/columns';

/** A member's R/F/M quintiles (1–5) over the last 12 months, and the figures they rank. */
@Entity('member_rfm')
export class MemberRfmRow {
  @Column({ type: 'bigint', primary: true, transformer: idTransformer })
  memberId: string;

  @Column({ type: 'bigint', transformer: idTransformer })
  allianceId: string;

  @Column({ type: 'int' })
  rScore: number;

  @Column({ type: 'int' })
  fScore: number;

  @Column({ type: 'int' })
  mScore: number;

  @Column({ type: 'datetime' })
  lastPurchaseAt: Date;

  @Column({ type: 'int' })
  purchases: number;

  @Column({ type: 'bigint', transformer: bigintNumber })
  spendFen: number;

  @Column({ type: 'datetime' })
  computedAt: Date;
}
