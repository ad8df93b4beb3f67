import { Column, Entity } from 'typeorm';
import type { JoinSource } from '@allycard/contracts';
import { bigintNumber, IdColumn, idTransformer } from '../database/columns';

@Entity('members')
export class Member {
  @IdColumn()
  id: string;

  @Column({ type: 'bigint', transformer: idTransformer })
  allianceId: string;

  @Column()
  openid: string;

  @Column()
  cardNo: string;

  @Column({ type: 'varchar', nullable: true })
  nickname: string | null;

  /** YYYY-MM-DD, a business date in Asia/Shanghai */
  @Column({ type: 'varchar', nullable: true })
  birthday: string | null;

  /** when the birthday was last set: changing it again within 12 months is refused (BIRTHDAY_LOCKED) */
  @Column({ type: 'datetime', nullable: true })
  birthdaySetAt: Date | null;

  /** AES-256-GCM ciphertext of the phone number (PhoneCipher) */
  @Column({ type: 'varchar', nullable: true })
  phoneEnc: string | null;

  /** keyed hash of the phone number, to find a member by phone without decrypting every row */
  @Column({ type: 'varchar', nullable: true })
  phoneHash: string | null;

  @Column()
  tierCode: string;

  /** an operator's grant: the tier reviews keep the member at least at this tier until tierGrantUntil */
  @Column({ type: 'varchar', nullable: true })
  tierGrantCode: string | null;

  @Column({ type: 'datetime', nullable: true })
  tierGrantUntil: Date | null;

  @Column({ type: 'bigint', transformer: bigintNumber })
  points: number;

  @Column({ type: 'varchar' })
  joinSource: JoinSource;

  @Column({ type: 'bigint', nullable: true, transformer: idTransformer })
  joinMerchantId: string | null;

  @Column({ type: 'bigint', nullable: true, transformer: idTransformer })
  joinStoreId: string | null;

  @Column({ type: 'varchar', nullable: true })
  joinCampaign: string | null;

  /** the 小程序码 the member joined by (reports' acquisition funnel); null without one */
  @Column({ type: 'bigint', nullable: true, transformer: idTransformer })
  joinQrcodeId: string | null;

  @Column({ type: 'bigint', nullable: true, transformer: idTransformer })
  referrerMemberId: string | null;

  /** the first purchase in the alliance (counter or paid order); null for a member who never bought */
  @Column({ type: 'datetime', nullable: true })
  firstPurchaseAt: Date | null;

  @Column({ type: 'datetime' })
  joinedAt: Date;

  @Column({ type: 'datetime' })
  updatedAt: Date;

  /** set when the member closed the account: personal data erased, the row kept for the ledger */
  @Column({ type: 'datetime', nullable: true })
  closedAt: Date | null;
}

/** Why a member's tier moved. */
export type TierChangeReason = 'purchase' | 'refund' | 'review' | 'grant';

/** Every move of members.tier_code, for the member's timeline. */
@Entity('member_tier_changes')
export class MemberTierChange {
  @IdColumn()
  id: string;

  @Column({ type: 'bigint', transformer: idTransformer })
  allianceId: string;

  @Column({ type: 'bigint', transformer: idTransformer })
  memberId: string;

  @Column()
  fromCode: string;

  @Column()
  toCode: string;

  @Column({ type: 'varchar' })
  reason: TierChangeReason;

  @Column({ type: 'datetime' })
  createdAt: Date;
}
