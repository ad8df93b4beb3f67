import { Column, Entity } from 'typeorm';
import type { CampaignStatus } from '@allycard/contracts';
import { IdColumn, idTransformer } from '../database/columns';

/** A saved filter over members; a merchant admin's segment counts that merchant's members only. */
@Entity('segments')
export class SegmentRow {
  @IdColumn()
  id: string;

  @Column({ type: 'bigint', transformer: idTransformer })
  allianceId: string;

  @Column({ type: 'bigint', nullable: true, transformer: idTransformer })
  merchantId: string | null;

  @Column({ type: 'varchar' })
  name: string;

  /** the contract's SegmentFilter as JSON */
  @Column({ type: 'text' })
  filter: string;

  @Column({ type: 'bigint', transformer: idTransformer })
  createdBy: string;

  @Column({ type: 'datetime' })
  createdAt: Date;
}

@Entity('campaigns')
export class CampaignRow {
  @IdColumn()
  id: string;

  @Column({ type: 'bigint', transformer: idTransformer })
  allianceId: string;

  @Column({ type: 'bigint', nullable: true, transformer: idTransformer })
  merchantId: string | null;

  @Column({ type: 'bigint', transformer: idTransformer })
  segmentId: string;

  @Column({ type: 'varchar' })
  name: string;

  /** the contract's CampaignAction as JSON */
  @Column({ type: 'text' })
  action: string;

  @Column({ type: 'int' })
  holdoutPermille: number;

  /** the contract's CampaignMessage as JSON, or null */
  @Column({ type: 'text', nullable: true })
  message: string | null;

  @Column({ type: 'varchar' })
  status: CampaignStatus;

  @Column({ type: 'int' })
  targeted: number;

  @Column({ type: 'int' })
  holdout: number;

  @Column({ type: 'datetime', nullable: true })
  launchedAt: Date | null;

  @Column({ type: 'datetime', nullable: true })
  completedAt: Date | null;

  @Column({ type: 'datetime' })
  createdAt: Date;

  @Column({ type: 'datetime' })
  updatedAt: Date;
}

export type TargetStatus = 'pending' | 'issued' | 'skipped' | 'held_out';

/** One member of a campaign's frozen audience: unique per (campaign, member). */
@Entity('campaign_targets')
export class CampaignTarget {
  @IdColumn()
  id: string;

  @Column({ type: 'bigint', transformer: idTransformer })
  allianceId: string;

  @Column({ type: 'bigint', transformer: idTransformer })
  campaignId: string;

  @Column({ type: 'bigint', transformer: idTransformer })
  memberId: string;

  @Column({ type: 'boolean' })
  holdout: boolean;

  @Column({ type: 'varchar' })
  status: TargetStatus;

  /** why nothing was given: out_of_stock, limit_reached, closed, template_unavailable */
  @Column({ type: 'varchar', nullable: true })
  skipReason: string | null;

  @Column({ type: 'bigint', nullable: true, transformer: idTransformer })
  couponId: string | null;

  @Column({ type: 'int' })
  points: number;

  @Column({ type: 'datetime', nullable: true })
  messagedAt: Date | null;

  @Column({ type: 'datetime', nullable: true })
  processedAt: Date | null;
}
