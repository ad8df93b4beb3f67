import { Column, Entity } from 'typeorm';
import type { PointsKind } from '@allycard/contracts';
import { bigintNumber, IdColumn, idTransformer } from '../database/columns';

export type AccountKind =
  | 'member'
  | 'merchant_funding'
  | 'merchant_redemption'
  | 'alliance'
  | 'breakage'
  /** the other side of an operator's points adjustment (issue 11) */
  | 'alliance_adjustment';
export type PointsTransactionKind = PointsKind;

/** What earned points: a purchase (paid order, counter purchase) or a referral reward. */
export type EarnSourceType = 'order' | 'redemption' | 'referral';
/** What points were spent on. */
export type SpendSourceType = 'order_points' | 'mall_order';
/** Why spent points came back: the order closed unpaid, a refund, a cancelled exchange. */
export type GiveBackSourceType = 'order_close' | 'refund_points' | 'mall_cancel';
/** Why earned points were taken back: the purchase refunded, the counter record voided, the referral withdrawn. */
export type ClawBackSourceType = 'refund_clawback' | 'redemption_void' | 'referral_withdrawn';
/**
 * The business fact behind a ledger transaction, unique per (alliance, type, id); the member's points
 * history shows it as `source`.
 */
export type PointsSourceType =
  | EarnSourceType
  | SpendSourceType
  | GiveBackSourceType
  | ClawBackSourceType
  | 'lot_expiry'
  /** what was left of a lot when its member closed the account (DELETE /me): to breakage */
  | 'account_closure'
  /** an operator's adjustment; the id is its audit-log row */
  | 'adjustment';

@Entity('points_policies')
export class PointsPolicyRow {
  @Column({ type: 'bigint', primary: true, transformer: idTransformer })
  allianceId: string;

  @Column({ type: 'int' })
  earnFenPerPoint: number;

  @Column({ type: 'int' })
  pointValueFen: number;

  @Column({ type: 'int' })
  expiryMonths: number;

  @Column({ type: 'datetime' })
  updatedAt: Date;
}

@Entity('points_transactions')
export class PointsTransaction {
  @IdColumn()
  id: string;

  @Column({ type: 'bigint', transformer: idTransformer })
  allianceId: string;

  @Column({ type: 'varchar' })
  kind: PointsTransactionKind;

  @Column({ type: 'varchar' })
  sourceType: PointsSourceType;

  @Column()
  sourceId: string;

  @Column({ type: 'bigint', nullable: true, transformer: idTransformer })
  memberId: string | null;

  @Column({ type: 'bigint', nullable: true, transformer: idTransformer })
  merchantId: string | null;

  /** the points moved (always positive; the postings carry the signs) */
  @Column({ type: 'bigint', transformer: bigintNumber })
  points: number;

  @Column({ type: 'datetime' })
  createdAt: Date;
}

@Entity('points_postings')
export class PointsPosting {
  @IdColumn()
  id: string;

  @Column({ type: 'bigint', transformer: idTransformer })
  allianceId: string;

  @Column({ type: 'bigint', transformer: idTransformer })
  transactionId: string;

  @Column({ type: 'varchar' })
  accountKind: AccountKind;

  @Column({ type: 'bigint', transformer: idTransformer })
  ownerId: string;

  @Column({ type: 'bigint', transformer: bigintNumber })
  amount: number;

  @Column({ type: 'datetime' })
  createdAt: Date;
}

/** Points earned together, expiring together; spends consume the earliest-expiring lots first. */
@Entity('points_lots')
export class PointsLot {
  @IdColumn()
  id: string;

  @Column({ type: 'bigint', transformer: idTransformer })
  allianceId: string;

  @Column({ type: 'bigint', transformer: idTransformer })
  memberId: string;

  @Column({ type: 'bigint', transformer: idTransformer })
  transactionId: string;

  @Column({ type: 'bigint', nullable: true, transformer: idTransformer })
  merchantId: string | null;

  @Column({ type: 'bigint', transformer: bigintNumber })
  points: number;

  @Column({ type: 'bigint', transformer: bigintNumber })
  remaining: number;

  @Column({ type: 'datetime' })
  expiresAt: Date;

  @Column({ type: 'datetime' })
  createdAt: Date;
}

/** Which lots a spend consumed, so a refund can put the points back where they came from. */
@Entity('points_lot_uses')
export class PointsLotUse {
  @IdColumn()
  id: string;

  @Column({ type: 'bigint', transformer: idTransformer })
  transactionId: string;

  @Column({ type: 'bigint', transformer: idTransformer })
  lotId: string;

  @Column({ type: 'bigint', transformer: bigintNumber })
  points: number;
}

/** Spend that counts for tiers (rolling 12 months); refunds add negative entries. */
@Entity('spend_entries')
export class SpendEntry {
  @IdColumn()
  id: string;

  @Column({ type: 'bigint', transformer: idTransformer })
  allianceId: string;

  @Column({ type: 'bigint', transformer: idTransformer })
  memberId: string;

  @Column({ type: 'bigint', transformer: idTransformer })
  merchantId: string;

  @Column({ type: 'bigint', transformer: bigintNumber })
  amountFen: number;

  @Column()
  sourceType: string;

  @Column()
  sourceId: string;

  @Column({ type: 'datetime' })
  createdAt: Date;
}
