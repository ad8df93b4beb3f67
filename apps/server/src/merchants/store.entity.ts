import { Column, Entity } from 'typeorm';
import { IdColumn, idTransformer } from '../database/columns';

@Entity('stores')
export class Store {
  @IdColumn()
  id: string;

  @Column({ type: 'bigint', transformer: idTransformer })
  allianceId: string;

  @Column({ type: 'bigint', transformer: idTransformer })
  merchantId: string;

  @Column()
  name: string;

  @Column({ type: 'datetime' })
  createdAt: Date;
}
