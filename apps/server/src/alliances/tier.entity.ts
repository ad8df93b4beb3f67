import { Column, Entity } from 'typeorm';
import { bigintNumber, IdColumn, idTransformer } from '../database/columns';

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

  @Column({ type: 'bigint', transformer: bigintNumber })
  minSpendFen: number;

  @Column({ type: 'int' })
  discountPermille: number;

  @Column({ type: 'int' })
  pointsMultiplierPermille: number;
}
