import { Column, Entity } from 'typeorm';
import { bigintNumber, idTransformer } from '../database/columns';

/**
 * What a member bought at a merchant's counter in one business day (Asia/Shanghai): clerks add to it by
 * a guarded update, so racing purchases never pass the daily limit together.
 */
@Entity('counter_daily_totals')
export class CounterDailyTotal {
  @Column({ type: 'bigint', primary: true, transformer: idTransformer })
  allianceId: string;

  @Column({ type: 'bigint', primary: true, transformer: idTransformer })
  merchantId: string;

  @Column({ type: 'bigint', primary: true, transformer: idTransformer })
  memberId: string;

  /** 'YYYY-MM-DD' in Asia/Shanghai */
  @Column({ type: 'varchar', primary: true })
  businessDate: string;

  @Column({ type: 'bigint', transformer: bigintNumber })
  totalFen: number;
}
