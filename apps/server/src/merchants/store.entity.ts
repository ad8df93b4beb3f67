import { Column, Entity, ValueTransformer } from 'typeorm';
import { IdColumn, idTransformer } from '../database/columns';

/** DECIMAL degrees: text through mysql2, numbers in code. */
const degrees: ValueTransformer = {
  from: (value: unknown) => (value === null || value === undefined ? null : Number(value)),
  to: (value: unknown) => value,
};

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

  @Column({ type: 'varchar', nullable: true })
  address: string | null;

  @Column({ type: 'decimal', precision: 9, scale: 6, nullable: true, transformer: degrees })
  latitude: number | null;

  @Column({ type: 'decimal', precision: 9, scale: 6, nullable: true, transformer: degrees })
  longitude: number | null;

  /** as the shop writes it: 「08:00–21:00」, 「周一至周五 10:00–22:00，周末 09:00–23:00」 */
  @Column({ type: 'varchar', nullable: true })
  hoursText: string | null;

  /** HH:mm, Asia/Shanghai; closesAt before opensAt means past midnight */
  @Column({ type: 'varchar', nullable: true })
  opensAt: string | null;

  @Column({ type: 'varchar', nullable: true })
  closesAt: string | null;

  @Column({ type: 'varchar', nullable: true })
  phone: string | null;

  @Column({ type: 'datetime' })
  createdAt: Date;
}
