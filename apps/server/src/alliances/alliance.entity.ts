import { Column, Entity } from 'typeorm';
import { IdColumn } from '../database/columns';

@Entity('alliances')
export class Alliance {
  @IdColumn()
  id: string;

  @Column()
  name: string;

  /** the title printed on the member card */
  @Column()
  cardTitle: string;

  @Column({ type: 'datetime' })
  createdAt: Date;
}
