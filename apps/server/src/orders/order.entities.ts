import { Column, Entity } from 'typeorm';
import { bigintNumber, IdColumn, idTransformer } from '../database/columns';

export type OrderStatus = 'pending' | 'paid' | 'closed' | 'refunded' | 'partially_refunded';

/** A member paying a merchant in the mini-program. */
@Entity('orders')
export class Order {
  @IdColumn()
  id: string;

  @Column({ type: 'bigint', transformer: idTransformer })
  allianceId: string;

  @Column({ type: 'bigint', transformer: idTransformer })
  memberId: string;

  @Column({ type: 'bigint', transformer: idTransformer })
  merchantId: string;

  @Column()
  outTradeNo: string;

  @Column({ type: 'varchar' })
  status: OrderStatus;

  @Column({ type: 'bigint', transformer: bigintNumber })
  amountFen: number;

  @Column({ type: 'bigint', transformer: bigintNumber })
  tierDiscountFen: number;

  // The database default (0) is the migration's: a default here makes TypeORM read the row back after every insert.
  /** the member day's extra discount (benefits), taken after the tier discount */
  @Column({ type: 'bigint', transformer: bigintNumber })
  memberDayDiscountFen: number;

  @Column({ type: 'bigint', nullable: true, transformer: idTransformer })
  couponId: string | null;

  @Column({ type: 'bigint', transformer: bigintNumber })
  couponDiscountFen: number;

  @Column({ type: 'bigint', transformer: bigintNumber })
  pointsUsed: number;

  @Column({ type: 'bigint', transformer: bigintNumber })
  pointsDiscountFen: number;

  @Column({ type: 'bigint', transformer: bigintNumber })
  payableFen: number;

  @Column({ type: 'bigint', transformer: bigintNumber })
  pointsEarned: number;

  @Column({ type: 'bigint', transformer: bigintNumber })
  refundRequestedFen: number;

  @Column({ type: 'bigint', transformer: bigintNumber })
  refundedFen: number;

  @Column({ type: 'varchar', nullable: true })
  transactionId: string | null;

  /** the points-mall exchange whose cash part this order pays */
  @Column({ type: 'bigint', nullable: true, transformer: idTransformer })
  mallOrderId: string | null;

  @Column({ type: 'text', nullable: true })
  payParams: string | null;

  @Column({ type: 'varchar', nullable: true })
  flag: string | null;

  @Column({ type: 'datetime', nullable: true })
  paidAt: Date | null;

  @Column({ type: 'datetime', nullable: true })
  closedAt: Date | null;

  @Column({ type: 'datetime' })
  createdAt: Date;

  @Column({ type: 'datetime' })
  updatedAt: Date;
}

@Entity('refunds')
export class Refund {
  @IdColumn()
  id: string;

  @Column({ type: 'bigint', transformer: idTransformer })
  allianceId: string;

  @Column({ type: 'bigint', transformer: idTransformer })
  orderId: string;

  @Column()
  outRefundNo: string;

  @Column({ type: 'bigint', transformer: bigintNumber })
  amountFen: number;

  @Column({ type: 'varchar' })
  status: 'processing' | 'succeeded' | 'failed';

  @Column({ type: 'bigint', nullable: true, transformer: idTransformer })
  staffId: string | null;

  @Column({ type: 'bigint', transformer: bigintNumber })
  pointsClawedBack: number;

  @Column({ type: 'bigint', transformer: bigintNumber })
  pointsReturned: number;

  @Column()
  couponReturned: boolean;

  @Column({ type: 'datetime' })
  createdAt: Date;

  @Column({ type: 'datetime', nullable: true })
  succeededAt: Date | null;
}

@Entity('payment_events')
export class PaymentEvent {
  @IdColumn()
  id: string;

  @Column()
  eventId: string;

  @Column()
  eventType: string;

  @Column({ type: 'varchar', nullable: true })
  outTradeNo: string | null;

  @Column({ type: 'varchar', nullable: true })
  outRefundNo: string | null;

  @Column()
  result: string;

  @Column({ type: 'datetime' })
  createdAt: Date;
}
