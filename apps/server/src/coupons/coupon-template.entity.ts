import type { CouponKind, UsableAt } from '@allycard/contracts';
import { Column, Entity } from 'typeorm';
import { bigintNumber, IdColumn, idTransformer } from '../database/columns';

@Entity('coupon_templates')
export class CouponTemplate {
  @IdColumn()
  id: string;

  @Column({ type: 'bigint', transformer: idTransformer })
  allianceId: string;

  @Column()
  title: string;

  @Column({ type: 'varchar', nullable: true })
  description: string | null;

  @Column({ type: 'varchar' })
  kind: CouponKind;

  @Column({ type: 'bigint', nullable: true, transformer: bigintNumber })
  valueFen: number | null;

  @Column({ type: 'int', nullable: true })
  discountPermille: number | null;

  @Column({ type: 'bigint', nullable: true, transformer: bigintNumber })
  maxDiscountFen: number | null;

  @Column({ type: 'bigint', transformer: bigintNumber })
  thresholdFen: number;

  @Column({ type: 'bigint', transformer: bigintNumber })
  stock: number;

  @Column({ type: 'bigint', transformer: bigintNumber })
  issued: number;

  @Column({ type: 'int' })
  perMemberLimit: number;

  @Column({ type: 'int', nullable: true })
  validDays: number | null;

  @Column({ type: 'datetime', nullable: true })
  validFrom: Date | null;

  @Column({ type: 'datetime', nullable: true })
  validUntil: Date | null;

  @Column({ type: 'varchar' })
  usableAt: UsableAt;

  @Column({ type: 'varchar' })
  audience: 'all' | 'new_members';

  @Column({ type: 'varchar', nullable: true })
  minTierCode: string | null;

  @Column()
  firstOrderOnly: boolean;

  @Column()
  forwardable: boolean;

  @Column()
  joinGift: boolean;

  /**
   * Where members get it: `centre`, claimable in 领券中心 (and issuable); `issue_only`, never
   * claimable, only issued (referral rewards, mall coupons, campaigns). Pausing stops both.
   */
  @Column({ type: 'varchar', default: 'centre' })
  channel: 'centre' | 'issue_only';

  @Column({ type: 'varchar' })
  issuerType: 'alliance' | 'merchant';

  @Column({ type: 'bigint', nullable: true, transformer: idTransformer })
  issuerMerchantId: string | null;

  @Column({ type: 'varchar' })
  status: 'active' | 'paused';

  @Column({ type: 'datetime' })
  createdAt: Date;

  @Column({ type: 'datetime' })
  updatedAt: Date;
}

/** Where a merchant-scoped template may be used. */
@Entity('coupon_template_merchants')
export class CouponTemplateMerchant {
  @Column({ type: 'bigint', primary: true, transformer: idTransformer })
  templateId: string;

  @Column({ type: 'bigint', primary: true, transformer: idTransformer })
  merchantId: string;

  @Column({ type: 'bigint', transformer: idTransformer })
  allianceId: string;
}
