import { Injectable, Module } from '@nestjs/common';
import { businessDate } from '@allycard/domain';
import { Column, DataSource, Entity } from 'typeorm';
import { TypeOrmModule } from '@nestjs/typeorm';
import { bigintNumber, idTransformer } from '../database/columns';
import { Clock } from '../common/clock';

/** How often a 小程序码's scene was opened (GET /scenes/:scene) in one Asia/Shanghai business day. */
@Entity('scene_daily_scans')
export class SceneDailyScans {
  @Column({ type: 'bigint', primary: true, transformer: idTransformer })
  allianceId: string;

  @Column({ type: 'bigint', primary: true, transformer: idTransformer })
  qrcodeId: string;

  /** 'YYYY-MM-DD' in Asia/Shanghai */
  @Column({ type: 'varchar', primary: true })
  businessDate: string;

  @Column({ type: 'bigint', transformer: bigintNumber })
  scans: number;
}

/**
 * Counts scene openings for the acquisition funnel: one upsert of a daily counter per opening, so a
 * busy code costs one row a day, not one row a scan. Racing openings each add 1 (the row's lock).
 */
@Injectable()
export class SceneScansService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
  ) {}

  async opened(qr: { allianceId: string; id: string }): Promise<void> {
    const sqlite = this.dataSource.options.type !== 'mysql';
    await this.dataSource.query(
      `INSERT INTO scene_daily_scans (alliance_id, qrcode_id, business_date, scans) VALUES (?, ?, ?, 1)
       ${
         sqlite
           ? 'ON CONFLICT (alliance_id, qrcode_id, business_date) DO UPDATE SET scans = scans + 1'
           : 'ON DUPLICATE KEY UPDATE scans = scans + 1'
       }`,
      [qr.allianceId, qr.id, businessDate(this.clock.now())],
    );
  }
}

/** The scan counter alone, for qrcodes/ to import without the reports around it. */
@Module({
  imports: [TypeOrmModule.forFeature([SceneDailyScans])],
  providers: [SceneScansService],
  exports: [SceneScansService],
})
export class SceneScansModule {}
