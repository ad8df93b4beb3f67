import { Column, Entity } from 'typeorm';
import type { Role } from '@allycard/contracts';
import { IdColumn, idTransformer } from '../database/columns';

/** Everyone who logs in with a password: merchant clerks and admins, and alliance admins. */
@Entity('staff_accounts')
export class StaffAccount {
  @IdColumn()
  id: string;

  @Column({ type: 'bigint', transformer: idTransformer })
  allianceId: string;

  /** null for alliance admins */
  @Column({ type: 'bigint', nullable: true, transformer: idTransformer })
  merchantId: string | null;

  @Column()
  username: string;

  @Column()
  passwordHash: string;

  @Column({ type: 'varchar' })
  role: Exclude<Role, 'member'>;

  @Column({ type: 'datetime' })
  createdAt: Date;
}
