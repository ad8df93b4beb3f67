import { Column, Entity } from 'typeorm';
import { IdColumn, idTransformer } from '../database/columns';

@Entity('tiers')
export class Tier {
  @IdColumn()
  id: string;

  @Column({ type: 'bigint', transformer: idTransformer })
  allianceId: string;

  @Column()
  code: string;

  @Column()
  name: string;

  @Column({ type: 'bigint', transformer: { from: Number, to: (v: number) => v } })
  minSpendFen: number;

  @Column({ type: 'int' })
  discountPermille: number;

  @Column({ type: 'int' })
  pointsMultiplierPermille: number;
}
