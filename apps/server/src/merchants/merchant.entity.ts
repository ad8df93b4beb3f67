import { Column, Entity } from 'typeorm';
import { IdColumn, idTransformer } from '../database/columns';

@Entity('merchants')
export class Merchant {
  @IdColumn()
  id: string;

  @Column({ type: 'bigint', transformer: idTransformer })
  allianceId: string;

  @Column()
  name: string;

  @Column({ type: 'varchar', nullable: true })
  description: string | null;

  /** an image uploaded with POST /admin/uploads, shown on its coupons and in 联盟商户 */
  @Column({ type: 'varchar', nullable: true })
  logoUrl: string | null;

  @Column({ type: 'datetime' })
  createdAt: Date;
}
