import { Column, Entity } from 'typeorm';
import { IdColumn, idTransformer } from '../database/columns';

const fen = { from: (v: unknown) => Number(v), to: (v: unknown) => v };

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

  @Column({ type: 'bigint', transformer: fen })
  amountFen: number;

  @Column({ type: 'bigint', transformer: fen })
  couponDiscountFen: number;

  @Column({ type: 'int' })
  pointsEarned: number;

  @Column()
  firstPurchase: boolean;

  @Column({ type: 'datetime' })
  createdAt: Date;
}
