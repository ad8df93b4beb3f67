import { Column, Entity } from 'typeorm';
import type { StaffLimitValues, StaffRefusal, TierDiscountBearer } from '@allycard/contracts';
import { bigintNumber, IdColumn, idTransformer } from '../database/columns';

/** What a clerk may do alone at one merchant; merchant id '0' is the alliance-wide default. */
@Entity('staff_limits')
export class StaffLimitsRow {
  @Column({ type: 'bigint', primary: true, transformer: idTransformer })
  allianceId: string;

  @Column({ type: 'bigint', primary: true, transformer: idTransformer })
  merchantId: string;

  @Column({ type: 'bigint', transformer: bigintNumber })
  counterPurchaseMaxFen: number;

  @Column({ type: 'bigint', transformer: bigintNumber })
  counterDailyPerMemberMaxFen: number;

  @Column({ type: 'bigint', transformer: bigintNumber })
  clerkRefundMaxFen: number;

  @Column({ type: 'int' })
  clerkRefundMaxAgeDays: number;

  @Column({ type: 'datetime' })
  updatedAt: Date;
}

/** How the alliance settles what no coupon says: who bears the member-tier discounts. */
@Entity('settlement_settings')
export class SettlementSettingsRow {
  @Column({ type: 'bigint', primary: true, transformer: idTransformer })
  allianceId: string;

  @Column({ type: 'varchar' })
  tierDiscountBorneBy: TierDiscountBearer;

  @Column({ type: 'datetime' })
  updatedAt: Date;
}

/** A clerk stopped by a limit (403 APPROVAL_REQUIRED): shown in the anomaly view. */
@Entity('staff_refusals')
export class StaffRefusalRow {
  @IdColumn()
  id: string;

  @Column({ type: 'bigint', transformer: idTransformer })
  allianceId: string;

  @Column({ type: 'bigint', transformer: idTransformer })
  merchantId: string;

  @Column({ type: 'bigint', transformer: idTransformer })
  staffId: string;

  @Column({ type: 'varchar' })
  action: StaffRefusal['action'];

  @Column({ type: 'varchar' })
  limitName: keyof StaffLimitValues;

  @Column({ type: 'bigint', transformer: bigintNumber })
  value: number;

  @Column({ type: 'bigint', transformer: bigintNumber })
  limitValue: number;

  @Column({ type: 'bigint', nullable: true, transformer: idTransformer })
  memberId: string | null;

  @Column({ type: 'bigint', nullable: true, transformer: idTransformer })
  orderId: string | null;

  @Column({ type: 'datetime' })
  createdAt: Date;
}
