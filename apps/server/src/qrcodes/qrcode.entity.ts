import { Column, Entity } from 'typeorm';
import { IdColumn, idTransformer } from '../database/columns';

/** A 小程序码 scene and what scanning it means: which merchant, store and campaign recruited the member. */
@Entity('qrcodes')
export class QrCode {
  @IdColumn()
  id: string;

  @Column({ type: 'bigint', transformer: idTransformer })
  allianceId: string;

  @Column()
  scene: string;

  @Column({ type: 'bigint', transformer: idTransformer })
  merchantId: string;

  @Column({ type: 'bigint', nullable: true, transformer: idTransformer })
  storeId: string | null;

  @Column({ type: 'varchar', nullable: true })
  campaign: string | null;

  @Column({ type: 'datetime' })
  createdAt: Date;
}
