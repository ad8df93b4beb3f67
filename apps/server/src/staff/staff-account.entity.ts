import { Column, Entity } from 'typeorm';
import type { Role, StaffRole } from '@allycard/contracts';
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

  /** as it was given (shown in lists) */
  @Column()
  username: string;

  /** normalizeUsername(username): unique, and what logins look up */
  @Column()
  usernameNormalized: string;

  @Column()
  passwordHash: string;

  @Column({ type: 'varchar' })
  role: Exclude<Role, 'member'>;

  /** set while an admin has disabled the account: no login, no refresh, no request */
  @Column({ type: 'datetime', nullable: true })
  disabledAt: Date | null;

  /** Tokens carry it (`tv`); disabling or a password reset bumps it, so older tokens stop working. */
  @Column({ type: 'int', default: 0 })
  tokenVersion: number;

  @Column({ type: 'datetime' })
  createdAt: Date;
}

/** A merchant's staff account (a clerk or a merchant admin) as the API names it: merchant and role. */
export function merchantStaffOf(account: StaffAccount): { id: string; merchantId: string; role: StaffRole } {
  if (account.role === 'alliance_admin' || account.merchantId === null)
    throw new Error(`staff account ${account.id} belongs to no merchant`);
  return { id: account.id, merchantId: account.merchantId, role: account.role };
}
