import { Column, Entity } from 'typeorm';
import { bigintNumber, IdColumn, idTransformer } from '../database/columns';

@Entity('referral_rules')
export class ReferralRule {
  @Column({ type: 'bigint', primary: true, transformer: idTransformer })
  allianceId: string;

  @Column({ type: 'bigint', nullable: true, transformer: idTransformer })
  rewardTemplateId: string | null;

  @Column({ type: 'bigint', transformer: bigintNumber })
  rewardPoints: number;

  @Column({ type: 'datetime' })
  updatedAt: Date;
}

@Entity('referral_rewards')
export class ReferralReward {
  @IdColumn()
  id: string;

  @Column({ type: 'bigint', transformer: idTransformer })
  allianceId: string;

  @Column({ type: 'bigint', transformer: idTransformer })
  referrerMemberId: string;

  @Column({ type: 'bigint', transformer: idTransformer })
  referredMemberId: string;

  @Column({ type: 'bigint', nullable: true, transformer: idTransformer })
  couponId: string | null;

  @Column({ type: 'bigint', transformer: bigintNumber })
  points: number;

  @Column({ type: 'varchar' })
  status: 'rewarded' | 'out_of_stock' | 'withdrawn';

  @Column({ type: 'datetime' })
  createdAt: Date;
}
