import { Column, Entity } from 'typeorm';
import { IdColumn, idTransformer } from '../database/columns';

/** One published version of an alliance's 用户协议 and 隐私政策 (never edited: a change is a new version). */
@Entity('policy_versions')
export class PolicyVersion {
  @IdColumn()
  id: string;

  @Column({ type: 'bigint', transformer: idTransformer })
  allianceId: string;

  @Column({ type: 'int' })
  version: number;

  @Column()
  termsTitle: string;

  @Column({ type: 'text' })
  termsBody: string;

  @Column()
  privacyTitle: string;

  @Column({ type: 'text' })
  privacyBody: string;

  /** the alliance admin who published it; null for the demo seed */
  @Column({ type: 'bigint', nullable: true, transformer: idTransformer })
  publishedBy: string | null;

  @Column({ type: 'datetime' })
  publishedAt: Date;
}

/** A member agreed to a policy version, at a time (PIPL: the proof of consent). */
@Entity('member_consents')
export class MemberConsent {
  @IdColumn()
  id: string;

  @Column({ type: 'bigint', transformer: idTransformer })
  allianceId: string;

  @Column({ type: 'bigint', transformer: idTransformer })
  memberId: string;

  @Column({ type: 'int' })
  version: number;

  @Column({ type: 'datetime' })
  acceptedAt: Date;
}
