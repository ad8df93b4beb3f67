import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { MemberRfm } from '@allycard/contracts';
import { DataSource, Repository } from 'typeorm';
import { TransactionRunner } from '../common/transactions';
import { readStoredTime } from '../database/columns';
import { quintiles, rfmSince, scoreOf } from './rfm-scores';
import { MemberRfmRow } from './rfm.entity';

const PAID = `('paid', 'refunded', 'partially_refunded')`;
const INSERT_CHUNK = 500;

type Num = string | number;

interface Figures {
  memberId: string;
  lastAt: Date;
  purchases: number;
  spendFen: number;
}

/**
 * R/F/M scores: quintiles 1–5 over the last 12 months of purchases (the contract's purchases: paid
 * orders less their refunds, counter purchases not voided) among the alliance's members who bought
 * in that time — R by the last purchase, F by the number of purchases, M by the spend. The nightly
 * job recomputes an alliance exactly, in one transaction. After a purchase the member alone is
 * scored again against the others' stored figures (its R is then the top, as its purchase is the
 * latest); the others' scores — which that purchase may shift by a rank — and purchases that fall
 * out of the window, refunds and voids wait for the next night.
 */
@Injectable()
export class RfmService {
  private readonly logger = new Logger(RfmService.name);

  constructor(
    @InjectRepository(MemberRfmRow) private readonly rows: Repository<MemberRfmRow>,
    private readonly dataSource: DataSource,
    private readonly tx: TransactionRunner,
  ) {}

  async of(allianceId: string, memberId: string): Promise<MemberRfm | null> {
    const row = await this.rows.findOneBy({ allianceId, memberId });
    return row && toDto(row);
  }

  /** Every alliance with members, one after the other; how many members were scored. */
  async recomputeAll(now: Date): Promise<number> {
    const alliances: { alliance_id: string | number }[] = await this.dataSource.query(
      'SELECT DISTINCT alliance_id FROM members',
    );
    let scored = 0;
    for (const { alliance_id } of alliances) scored += await this.recompute(String(alliance_id), now);
    this.logger.log(`RFM: ${scored} members scored in ${alliances.length} alliance(s)`);
    return scored;
  }

  /** The alliance's scores from scratch, replacing the stored ones in one transaction. */
  async recompute(allianceId: string, now: Date): Promise<number> {
    const figures = await this.figures(allianceId, now);
    const r = quintiles(figures.map((f) => f.lastAt.getTime()));
    const f = quintiles(figures.map((x) => x.purchases));
    const m = quintiles(figures.map((x) => x.spendFen));
    await this.tx.run(async (em) => {
      await em.delete(MemberRfmRow, { allianceId });
      for (let i = 0; i < figures.length; i += INSERT_CHUNK)
        await em.insert(
          MemberRfmRow,
          figures.slice(i, i + INSERT_CHUNK).map((x, k) => ({
            ...row(allianceId, x, now),
            rScore: r[i + k],
            fScore: f[i + k],
            mScore: m[i + k],
          })),
        );
    });
    return figures.length;
  }

  /** After a purchase: the member scored again against the others' stored figures. */
  async refresh(allianceId: string, memberId: string, at: Date): Promise<void> {
    const [mine] = await this.figures(allianceId, at, memberId);
    if (!mine) {
      await this.tx.single((em) => em.delete(MemberRfmRow, { allianceId, memberId }));
      return;
    }
    // the others' count and how many of them rank below the member on each score, in one pass
    const [below]: { n: Num; r: Num; f: Num; m: Num }[] = await this.dataSource.query(
      `SELECT COUNT(*) AS n,
         COALESCE(SUM(CASE WHEN last_purchase_at < ? THEN 1 ELSE 0 END), 0) AS r,
         COALESCE(SUM(CASE WHEN purchases < ? THEN 1 ELSE 0 END), 0) AS f,
         COALESCE(SUM(CASE WHEN spend_fen < ? THEN 1 ELSE 0 END), 0) AS m
       FROM member_rfm WHERE alliance_id = ? AND member_id <> ?`,
      [this.time(mine.lastAt), mine.purchases, mine.spendFen, allianceId, memberId],
    );
    const [n, rBelow, fBelow, mBelow] = [below.n, below.r, below.f, below.m].map(Number);
    const scored = {
      ...row(allianceId, mine, at),
      rScore: scoreOf(rBelow, n + 1),
      fScore: scoreOf(fBelow, n + 1),
      mScore: scoreOf(mBelow, n + 1),
    };
    await this.tx.single((em) => em.upsert(MemberRfmRow, scored, ['memberId']));
  }

  /** Each member's last purchase, purchases and spend in the 12 months up to `now` (one member's only, when named). */
  private async figures(allianceId: string, now: Date, memberId?: string): Promise<Figures[]> {
    const window = [allianceId, this.time(rfmSince(now)), this.time(now), ...(memberId ? [memberId] : [])];
    const one = memberId ? ' AND member_id = ?' : '';
    const rows: {
      member_id: string | number;
      last_at: Date | string;
      n: string | number;
      spend: string | number;
    }[] = await this.dataSource.query(
      `SELECT p.member_id, MAX(p.at) AS last_at, COUNT(*) AS n, SUM(p.spend) AS spend FROM (
           SELECT member_id, paid_at AS at, payable_fen - refunded_fen AS spend FROM orders
             WHERE alliance_id = ? AND status IN ${PAID} AND paid_at >= ? AND paid_at <= ?${one}
           UNION ALL
           SELECT member_id, created_at AS at, amount_fen - member_day_discount_fen AS spend FROM redemptions
             WHERE alliance_id = ? AND amount_fen > 0 AND voided_at IS NULL AND created_at >= ? AND created_at <= ?${one}
         ) p GROUP BY p.member_id ORDER BY p.member_id`,
      [...window, ...window],
    );
    return rows.map((x) => ({
      memberId: String(x.member_id),
      lastAt: readStoredTime(x.last_at),
      purchases: Number(x.n),
      spendFen: Number(x.spend),
    }));
  }

  private time(d: Date): unknown {
    return this.dataSource.driver.preparePersistentValue(d, { type: 'datetime' } as never);
  }
}

function row(allianceId: string, x: Figures, now: Date) {
  return {
    memberId: x.memberId,
    allianceId,
    lastPurchaseAt: x.lastAt,
    purchases: x.purchases,
    spendFen: x.spendFen,
    computedAt: now,
  };
}

export function toDto(row: MemberRfmRow): MemberRfm {
  return {
    r: row.rScore,
    f: row.fScore,
    m: row.mScore,
    lastPurchaseAt: row.lastPurchaseAt.toISOString(),
    purchases: row.purchases,
    spendFen: row.spendFen,
    computedAt: row.computedAt.toISOString(),
  };
}
