import type { CouponStatus } from '@allycard/contracts';
import { Column, Entity } from 'typeorm';
import { IdColumn, idTransformer } from '../database/columns';

export type CouponSource =
  'claim' | 'join_gift' | 'referral' | 'mall' | 'campaign' | 'birthday' | 'spend_get';

/** One member's instance of a template. */
@Entity('coupons')
export class CouponRow {
  @IdColumn()
  id: string;

  @Column({ type: 'bigint', transformer: idTransformer })
  allianceId: string;

  @Column({ type: 'bigint', transformer: idTransformer })
  templateId: string;

  /** the owner now; changes only when a share is accepted */
  @Column({ type: 'bigint', transformer: idTransformer })
  memberId: string;

  /** who claimed it; its per-member limit slot stays with this member */
  @Column({ type: 'bigint', transformer: idTransformer })
  claimedByMemberId: string;

  /** the n-th claim of the template by claimedBy; null for coupons issued rather than claimed */
  @Column({ type: 'int', nullable: true })
  claimSeq: number | null;

  @Column({ type: 'varchar' })
  source: CouponSource;

  @Column({ type: 'varchar' })
  status: CouponStatus;

  @Column({ type: 'datetime' })
  validFrom: Date;

  @Column({ type: 'datetime' })
  validUntil: Date;

  @Column({ type: 'bigint', nullable: true, transformer: idTransformer })
  receivedFromMemberId: string | null;

  @Column({ type: 'datetime', nullable: true })
  usedAt: Date | null;

  @Column({ type: 'bigint', nullable: true, transformer: idTransformer })
  usedMerchantId: string | null;

  @Column({ type: 'bigint', nullable: true, transformer: idTransformer })
  redemptionId: string | null;

  @Column({ type: 'bigint', nullable: true, transformer: idTransformer })
  orderId: string | null;

  @Column({ type: 'datetime' })
  createdAt: Date;

  @Column({ type: 'datetime' })
  updatedAt: Date;
}

@Entity('coupon_shares')
export class CouponShare {
  @IdColumn()
  id: string;

  @Column({ type: 'bigint', transformer: idTransformer })
  allianceId: string;

  @Column({ type: 'bigint', transformer: idTransformer })
  couponId: string;

  @Column({ type: 'bigint', transformer: idTransformer })
  fromMemberId: string;

  @Column()
  token: string;

  @Column({ type: 'varchar' })
  status: 'open' | 'accepted' | 'cancelled' | 'expired';

  @Column({ type: 'datetime' })
  expiresAt: Date;

  @Column({ type: 'bigint', nullable: true, transformer: idTransformer })
  acceptedByMemberId: string | null;

  @Column({ type: 'datetime', nullable: true })
  acceptedAt: Date | null;

  @Column({ type: 'datetime' })
  createdAt: Date;
}
