import { Column, Entity } from 'typeorm';
import { bigintNumber, IdColumn, idTransformer } from '../database/columns';

@Entity('mall_items')
export class MallItem {
  @IdColumn()
  id: string;

  @Column({ type: 'bigint', transformer: idTransformer })
  allianceId: string;

  @Column()
  title: string;

  @Column({ type: 'varchar', nullable: true })
  description: string | null;

  @Column({ type: 'bigint', transformer: bigintNumber })
  pointsPrice: number;

  @Column({ type: 'bigint', transformer: bigintNumber })
  cashFen: number;

  @Column({ type: 'bigint', transformer: bigintNumber })
  stock: number;

  /** issued ≤ stock, kept by a guarded update */
  @Column({ type: 'bigint', transformer: bigintNumber })
  issued: number;

  @Column({ type: 'int' })
  perMemberLimit: number;

  @Column({ type: 'varchar' })
  fulfilment: 'pickup' | 'coupon';

  /** pickup: the merchant whose staff hand it over (and who is credited the points) */
  @Column({ type: 'bigint', nullable: true, transformer: idTransformer })
  merchantId: string | null;

  @Column({ type: 'bigint', nullable: true, transformer: idTransformer })
  couponTemplateId: string | null;

  @Column({ type: 'varchar' })
  status: 'active' | 'paused';

  /** a photo uploaded to this server (/api/v1/uploads/…), or none */
  @Column({ type: 'varchar', length: 200, nullable: true })
  imageUrl: string | null;

  @Column({ type: 'datetime' })
  createdAt: Date;
}

/** How many of an item a member has redeemed; the per-member limit is a guarded update on this row. */
@Entity('mall_member_counts')
export class MallMemberCount {
  @Column({ type: 'bigint', primary: true, transformer: idTransformer })
  itemId: string;

  @Column({ type: 'bigint', primary: true, transformer: idTransformer })
  memberId: string;

  @Column({ type: 'bigint', transformer: bigintNumber })
  redeemed: number;
}

@Entity('mall_orders')
export class MallOrder {
  @IdColumn()
  id: string;

  @Column({ type: 'bigint', transformer: idTransformer })
  allianceId: string;

  @Column({ type: 'bigint', transformer: idTransformer })
  itemId: string;

  @Column({ type: 'bigint', transformer: idTransformer })
  memberId: string;

  @Column({ type: 'int' })
  quantity: number;

  @Column({ type: 'bigint', transformer: bigintNumber })
  pointsSpent: number;

  @Column({ type: 'varchar' })
  status: 'pending_payment' | 'awaiting_pickup' | 'fulfilled' | 'completed' | 'cancelled';

  /** the cash part (points + cash items), paid through an order */
  @Column({ type: 'bigint', transformer: bigintNumber })
  cashFen: number;

  @Column({ type: 'varchar', nullable: true })
  pickupCode: string | null;

  @Column({ type: 'bigint', nullable: true, transformer: idTransformer })
  merchantId: string | null;

  @Column({ type: 'bigint', nullable: true, transformer: idTransformer })
  couponId: string | null;

  @Column({ type: 'bigint', nullable: true, transformer: idTransformer })
  fulfilledBy: string | null;

  @Column({ type: 'datetime', nullable: true })
  fulfilledAt: Date | null;

  @Column({ type: 'datetime' })
  createdAt: Date;
}
