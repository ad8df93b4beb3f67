import { Column, Entity } from 'typeorm';
import { idTransformer } from '../database/columns';

/** An alliance's lifecycle thresholds (PUT /admin/lifecycle-policy); no row: the defaults 30, 60, 180. */
@Entity('lifecycle_policies')
export class LifecyclePolicyRow {
  @Column({ type: 'bigint', primary: true, transformer: idTransformer })
  allianceId: string;

  @Column({ type: 'int' })
  newDays: number;

  @Column({ type: 'int' })
  dormantDays: number;

  @Column({ type: 'int' })
  lostDays: number;

  @Column({ type: 'datetime' })
  updatedAt: Date;
}
