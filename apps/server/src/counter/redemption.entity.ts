import { Column, Entity } from 'typeorm';
import { bigintNumber, IdColumn, idTransformer } from '../database/columns';

/** A visit at the counter: a coupon redeemed and/or a purchase amount recorded by a clerk. */
@Entity('redemptions')
export class Redemption {
  @IdColumn()
  id: string;

  @Column({ type: 'bigint', transformer: idTransformer })
  allianceId: string;

  @Column({ type: 'bigint', transformer: idTransformer })
  merchantId: string;

  @Column({ type: 'bigint', transformer: idTransformer })
  staffId: string;

  @Column({ type: 'bigint', transformer: idTransformer })
  memberId: string;

  @Column({ type: 'bigint', nullable: true, transformer: idTransformer })
  couponId: string | null;

  @Column({ type: 'bigint', transformer: bigintNumber })
  amountFen: number;

  @Column({ type: 'bigint', transformer: bigintNumber })
  couponDiscountFen: number;

  /** the member day's extra discount on what the coupon was applied to (0 on other days) */
  // Database defaults are the migrations': one here makes TypeORM read the row back after every insert.
  @Column({ type: 'bigint', transformer: bigintNumber })
  memberDayDiscountFen: number;

  @Column({ type: 'bigint', transformer: bigintNumber })
  pointsEarned: number;

  @Column()
  firstPurchase: boolean;

  @Column({ type: 'datetime' })
  createdAt: Date;

  /** set once when staff voided the record (a guarded update: `voided_at IS NULL`) */
  @Column({ type: 'datetime', nullable: true })
  voidedAt: Date | null;

  @Column({ type: 'bigint', nullable: true, transformer: idTransformer })
  voidedByStaffId: string | null;

  @Column({ type: 'varchar', nullable: true })
  voidReason: string | null;

  /** the points the void took back (less than pointsEarned when the member had spent them) */
  @Column({ type: 'int' })
  pointsReversed: number;

  /** the coupon the void gave back (couponId is cleared then, so it can be redeemed again) */
  @Column({ type: 'bigint', nullable: true, transformer: idTransformer })
  returnedCouponId: string | null;
}
