import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { PointsPromotion } from '@allycard/contracts';
import {
  MAX_COMBINED_MULTIPLIER_PERMILLE,
  multiplierText,
  parseInstant,
  promotionProblem,
  stackedPromotionPermille,
} from '@allycard/domain';
import { Repository } from 'typeorm';
import { Clock } from '../common/clock';
import { DomainError, notFound, validationFailed } from '../common/errors';
import { TransactionRunner } from '../common/transactions';
import { MerchantsService } from '../merchants/merchants.service';
import { promotionOf } from './benefit-rules';
import { PointsPromotionRow } from './benefit.entities';
import { PointsPromotionDto } from './dto/promotions.dto';
import { isId } from '../common/ids';
import { AlliancesService } from '../alliances/alliances.service';

/**
 * Points promotions (/admin/benefits/promotions): N× points in a window, at merchants or the whole
 * alliance, optionally sponsored. Promotions whose windows and merchants meet multiply together:
 * a new or changed one that would make them multiply beyond the 5× cap on their own is refused
 * (400, saying which); tier × member day × promotions is capped at 5× per purchase on top of that.
 */
@Injectable()
export class PromotionsService {
  constructor(
    @InjectRepository(PointsPromotionRow) private readonly rows: Repository<PointsPromotionRow>,
    private readonly merchants: MerchantsService,
    private readonly alliances: AlliancesService,
    private readonly clock: Clock,
    private readonly tx: TransactionRunner,
  ) {}

  async list(allianceId: string): Promise<PointsPromotion[]> {
    const rows = await this.rows.find({ where: { allianceId }, order: { startsAt: 'DESC', id: 'DESC' } });
    const now = this.clock.now();
    return rows.map((r) => toPromotion(r, now));
  }

  /** The promotions running now, for GET /benefits. */
  async active(allianceId: string): Promise<PointsPromotion[]> {
    return (await this.list(allianceId)).filter((p) => p.state === 'active').reverse();
  }

  create(allianceId: string, body: PointsPromotionDto): Promise<PointsPromotion> {
    return this.save(allianceId, null, body);
  }

  async replace(allianceId: string, id: string, body: PointsPromotionDto): Promise<PointsPromotion> {
    await this.get(allianceId, id);
    return this.save(allianceId, id, body);
  }

  /** Removes a promotion: purchases that earned by it keep their points (the ledger has them). */
  async remove(allianceId: string, id: string): Promise<PointsPromotion> {
    const row = await this.get(allianceId, id);
    await this.tx.run((em) => em.delete(PointsPromotionRow, { id: row.id, allianceId }));
    return toPromotion(row, this.clock.now());
  }

  private async get(allianceId: string, id: string): Promise<PointsPromotionRow> {
    const row = isId(id) ? await this.rows.findOneBy({ id, allianceId }) : null;
    if (!row) throw notFound('积分活动');
    return row;
  }

  private async save(
    allianceId: string,
    id: string | null,
    body: PointsPromotionDto,
  ): Promise<PointsPromotion> {
    const startsAt = parseInstant(body.startsAt)!;
    const endsAt = parseInstant(body.endsAt)!;
    const problem = promotionProblem({ multiplierPermille: body.multiplierPermille, startsAt, endsAt });
    if (problem)
      throw validationFailed(
        [{ field: startsAt < endsAt ? 'multiplierPermille' : 'endsAt', message: problem }],
        problem,
      );
    const merchantIds = body.merchantIds ? [...new Set(body.merchantIds)] : null;
    const known = new Set((await this.merchants.list(allianceId)).map((m) => m.id));
    const unknown = [
      ...(merchantIds ?? []),
      ...(body.sponsorMerchantId ? [body.sponsorMerchantId] : []),
    ].filter((m) => !known.has(m));
    if (unknown.length)
      throw new DomainError('NOT_FOUND', 404, '所选商户不存在（须是本联盟的商户）', [
        {
          field: merchantIds?.some((m) => !known.has(m)) ? 'merchantIds' : 'sponsorMerchantId',
          message: `no such merchant in this alliance: ${unknown.join(', ')}`,
        },
      ]);
    const now = this.clock.now();
    const candidate = {
      id: id ?? '',
      name: body.name.trim(),
      multiplierPermille: body.multiplierPermille,
      startsAt,
      endsAt,
      merchantIds,
      sponsorMerchantId: body.sponsorMerchantId ?? null,
    };
    return this.tx.run(async (em) => {
      // The stacking check and the write are one step per alliance: two admins saving overlapping
      // promotions at once must not each pass against the other's absence. On MySQL the alliance's
      // row is locked first (the second waits for the first to commit) and the promotions are read
      // by a locking read, which sees what that commit wrote; SQLite runs one transaction at a time.
      await this.alliances.lockIn(em, allianceId);
      const read = em
        .createQueryBuilder(PointsPromotionRow, 'p')
        .where('p.alliance_id = :allianceId', { allianceId });
      if (!this.tx.isSqlite) read.setLock('pessimistic_write');
      const others = (await read.getMany()).map(promotionOf);
      const stacked = stackedPromotionPermille(candidate, others);
      if (stacked > MAX_COMBINED_MULTIPLIER_PERMILLE) {
        const message = `与时间和商户重叠的其他积分活动叠加后达 ${multiplierText(stacked)}，超过上限 ${multiplierText(MAX_COMBINED_MULTIPLIER_PERMILLE)}；请调低倍数或错开时间`;
        throw validationFailed([{ field: 'multiplierPermille', message }], message);
      }
      const values = { ...candidate, allianceId, updatedAt: now };
      if (id) {
        await em.update(PointsPromotionRow, { id, allianceId }, { ...values, id });
        return toPromotion(await em.findOneByOrFail(PointsPromotionRow, { id }), now);
      }
      const { id: _none, ...fresh } = values;
      const saved = await em.save(em.create(PointsPromotionRow, { ...fresh, createdAt: now }));
      return toPromotion(saved, now);
    });
  }
}

export function toPromotion(r: PointsPromotionRow, now: Date): PointsPromotion {
  return {
    id: r.id,
    name: r.name,
    multiplierPermille: r.multiplierPermille,
    startsAt: r.startsAt.toISOString(),
    endsAt: r.endsAt.toISOString(),
    merchantIds: r.merchantIds ?? null,
    sponsorMerchantId: r.sponsorMerchantId ?? null,
    state: now < r.startsAt ? 'upcoming' : now < r.endsAt ? 'active' : 'ended',
  };
}
