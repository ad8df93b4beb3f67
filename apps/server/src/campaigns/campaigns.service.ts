import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { templateIssueProblem } from '@allycard/domain';
import type { Campaign, CampaignAction, CampaignMessage, CampaignStatus } from '@allycard/contracts';
import { randomInt } from 'node:crypto';
import { Repository } from 'typeorm';
import type { Principal } from '../common/auth';
import { Clock } from '../common/clock';
import { DomainError, notFound, validationFailed } from '../common/errors';
import { TransactionRunner } from '../common/transactions';
import { CouponTemplatesService } from '../coupons/coupon-templates.service';
import { MerchantsService } from '../merchants/merchants.service';
import { CampaignRow, CampaignTarget } from './campaign.entities';
import { CampaignCreateDto } from './dto/campaigns.dto';
import { SegmentsService } from './segments.service';
import { isId } from '../common/ids';

const INSERT_CHUNK = 500;

/** The holdout drawn at launch: exactly ⌊size × permille / 1000⌋ members, uniformly at random. */
export function drawHoldout(memberIds: readonly string[], permille: number): Set<string> {
  const size = Math.floor((memberIds.length * permille) / 1000);
  const pool = [...memberIds];
  // a partial Fisher–Yates shuffle: the first `size` places are a uniform sample
  for (let i = 0; i < size; i++) {
    const j = i + randomInt(pool.length - i);
    [pool[i], pool[j]] = [pool[j], pool[i]];
  }
  return new Set(pool.slice(0, size));
}

const conflict = (message: string) => new DomainError('CAMPAIGN_STATE_CONFLICT', 409, message);

/**
 * Campaigns: a draft on a segment with an action (a coupon from a template, or points funded by the
 * alliance or a merchant), optionally a message, and a random holdout. Launch freezes the audience
 * into campaign_targets in the same transaction that moves the campaign to running; the batches that
 * act on it are CampaignRunner's.
 */
@Injectable()
export class CampaignsService {
  constructor(
    @InjectRepository(CampaignRow) private readonly campaigns: Repository<CampaignRow>,
    @InjectRepository(CampaignTarget) private readonly targets: Repository<CampaignTarget>,
    private readonly segments: SegmentsService,
    private readonly templates: CouponTemplatesService,
    private readonly merchants: MerchantsService,
    private readonly tx: TransactionRunner,
    private readonly clock: Clock,
  ) {}

  async create(who: Principal, body: CampaignCreateDto): Promise<Campaign> {
    await this.segments.visible(who, body.segmentId);
    const action = await this.checkAction(who, body.action);
    const message = body.message ? this.checkMessage(body.message) : null;
    const now = this.clock.now();
    const row = await this.tx.run((em) =>
      em.save(
        em.create(CampaignRow, {
          allianceId: who.allianceId,
          merchantId: who.role === 'merchant_admin' ? who.merchantId! : null,
          segmentId: body.segmentId,
          name: body.name.trim(),
          action: JSON.stringify(action),
          holdoutPermille: body.holdoutPermille,
          message: message && JSON.stringify(message),
          status: 'draft',
          targeted: 0,
          holdout: 0,
          launchedAt: null,
          completedAt: null,
          createdAt: now,
          updatedAt: now,
        }),
      ),
    );
    return this.toDto(row, 0);
  }

  async list(who: Principal): Promise<Campaign[]> {
    const rows = await this.campaigns.find({
      where: {
        allianceId: who.allianceId,
        ...(who.role === 'merchant_admin' && { merchantId: who.merchantId! }),
      },
      order: { id: 'DESC' },
      take: 100,
    });
    return Promise.all(rows.map(async (r) => this.toDto(r, await this.processed(r.id))));
  }

  async get(who: Principal, id: string): Promise<Campaign> {
    const row = await this.visible(who, id);
    return this.toDto(row, await this.processed(row.id));
  }

  /** A campaign the caller may see: its alliance's, and for a merchant admin its own merchant's. */
  async visible(who: Principal, id: string): Promise<CampaignRow> {
    const row = isId(id) ? await this.campaigns.findOneBy({ id, allianceId: who.allianceId }) : null;
    if (!row || (who.role === 'merchant_admin' && row.merchantId !== who.merchantId)) throw notFound('活动');
    return row;
  }

  /**
   * draft → running, and the audience frozen, in one transaction: the guarded status update lets one
   * of two racing launches through; the other (and a launch of a cancelled or finished campaign) is 409.
   */
  async launch(who: Principal, id: string): Promise<Campaign> {
    const row = await this.visible(who, id);
    if (row.status !== 'draft')
      throw conflict(row.status === 'cancelled' ? '活动已取消，不能启动' : '活动已启动过');
    const segment = await this.segments.visible(
      row.merchantId
        ? { role: 'merchant_admin', id: who.id, allianceId: row.allianceId, merchantId: row.merchantId }
        : { role: 'alliance_admin', id: who.id, allianceId: row.allianceId },
      row.segmentId,
    );
    const audience = await this.segments.memberIds(segment);
    const holdout = drawHoldout(audience, row.holdoutPermille);
    const now = this.clock.now();
    const targeted = audience.length - holdout.size;
    const status: CampaignStatus = targeted === 0 ? 'completed' : 'running';
    await this.tx.run(async (em) => {
      const moved = await em
        .createQueryBuilder()
        .update(CampaignRow)
        .set({
          status,
          launchedAt: now,
          completedAt: status === 'completed' ? now : null,
          targeted,
          holdout: holdout.size,
          updatedAt: now,
        })
        .where("id = :id AND status = 'draft'", { id: row.id })
        .execute();
      if (moved.affected !== 1) throw conflict('活动已启动过');
      for (let i = 0; i < audience.length; i += INSERT_CHUNK)
        await em.insert(
          CampaignTarget,
          audience.slice(i, i + INSERT_CHUNK).map((memberId) => ({
            allianceId: row.allianceId,
            campaignId: row.id,
            memberId,
            holdout: holdout.has(memberId),
            status: holdout.has(memberId) ? ('held_out' as const) : ('pending' as const),
            skipReason: null,
            couponId: null,
            points: 0,
            messagedAt: null,
            processedAt: null,
          })),
        );
    });
    return this.get(who, id);
  }

  /** running → paused: the runner stops before its next target. */
  pause(who: Principal, id: string) {
    return this.move(who, id, ['running'], 'paused', '只有进行中的活动可以暂停');
  }

  /** paused → running: the runner goes on where it stopped. */
  resume(who: Principal, id: string) {
    return this.move(who, id, ['paused'], 'running', '只有已暂停的活动可以继续');
  }

  /** Nothing more is given; what was given stays. */
  cancel(who: Principal, id: string) {
    return this.move(who, id, ['draft', 'running', 'paused'], 'cancelled', '活动已结束，不能取消');
  }

  private async move(
    who: Principal,
    id: string,
    from: CampaignStatus[],
    to: CampaignStatus,
    refusal: string,
  ): Promise<Campaign> {
    const row = await this.visible(who, id);
    const now = this.clock.now();
    const moved = await this.tx.run((em) =>
      em
        .createQueryBuilder()
        .update(CampaignRow)
        .set({ status: to, updatedAt: now, ...(to === 'cancelled' && { completedAt: now }) })
        .where('id = :id AND status IN (:...from)', { id: row.id, from })
        .execute(),
    );
    if (moved.affected !== 1) throw conflict(refusal);
    return this.get(who, id);
  }

  private async processed(campaignId: string): Promise<number> {
    return this.targets
      .createQueryBuilder('t')
      .where("t.campaign_id = :campaignId AND t.status IN ('issued', 'skipped')", { campaignId })
      .getCount();
  }

  /** Which fields go with which action type, and that what it names is the caller's to use. */
  private async checkAction(who: Principal, action: CampaignCreateDto['action']): Promise<CampaignAction> {
    const extra = (fields: string[]) => {
      const given = fields.filter((f) => (action as unknown as Record<string, unknown>)[f] !== undefined);
      if (given.length)
        throw validationFailed(
          given.map((f) => ({ field: `action.${f}`, message: `not allowed for ${action.type}` })),
        );
    };
    if (action.type === 'coupon') {
      extra(['points', 'fundedBy']);
      if (!action.templateId) throw validationFailed([{ field: 'action.templateId', message: 'required' }]);
      const view = await this.templates.find(who.allianceId, action.templateId);
      if (!view) throw notFound('券模板');
      if (who.role === 'merchant_admin' && view.template.issuerMerchantId !== who.merchantId)
        throw new DomainError('FORBIDDEN', 403, '只能发放本店的券');
      const problem = templateIssueProblem(view.template, this.clock.now());
      if (problem) throw new DomainError('TEMPLATE_NOT_ISSUABLE', 422, '该券模板当前不能发放');
      return { type: 'coupon', templateId: view.template.id };
    }
    extra(['templateId']);
    if (!action.points) throw validationFailed([{ field: 'action.points', message: 'required' }]);
    if (!action.fundedBy) throw validationFailed([{ field: 'action.fundedBy', message: 'required' }]);
    if (action.fundedBy.type === 'alliance') {
      if (action.fundedBy.merchantId !== undefined)
        throw validationFailed([
          { field: 'action.fundedBy.merchantId', message: 'not allowed for alliance' },
        ]);
      if (who.role === 'merchant_admin') throw new DomainError('FORBIDDEN', 403, '商户只能用本店出资的积分');
      return { type: 'points', points: action.points, fundedBy: { type: 'alliance' } };
    }
    const merchantId = action.fundedBy.merchantId;
    if (!merchantId) throw validationFailed([{ field: 'action.fundedBy.merchantId', message: 'required' }]);
    await this.merchants.get(who.allianceId, merchantId);
    if (who.role === 'merchant_admin' && merchantId !== who.merchantId)
      throw new DomainError('FORBIDDEN', 403, '商户只能用本店出资的积分');
    return { type: 'points', points: action.points, fundedBy: { type: 'merchant', merchantId } };
  }

  /** WeChat's subscribe send shape: at most 10 keywords like `thing1`, each `{value}` of 1–200 characters. */
  private checkMessage(message: CampaignCreateDto['message'] & object): CampaignMessage {
    const entries = Object.entries(message.data ?? {});
    if (!entries.length || entries.length > 10)
      throw validationFailed([{ field: 'message.data', message: 'must have 1 to 10 keywords' }]);
    const data: CampaignMessage['data'] = {};
    for (const [keyword, field] of entries) {
      const value = (field as { value?: unknown } | null)?.value;
      if (
        !/^[a-z_]{1,20}\d{1,3}$/.test(keyword) ||
        !field ||
        typeof field !== 'object' ||
        Object.keys(field).length !== 1 ||
        typeof value !== 'string' ||
        !value.trim() ||
        value.length > 200
      )
        throw validationFailed([{ field: `message.data.${keyword}`, message: 'must be {value: text}' }]);
      data[keyword] = { value };
    }
    return { templateId: message.templateId, page: message.page, data };
  }

  toDto(row: CampaignRow, processed: number): Campaign {
    return {
      id: row.id,
      name: row.name,
      segmentId: row.segmentId,
      action: JSON.parse(row.action) as CampaignAction,
      holdoutPermille: row.holdoutPermille,
      message: row.message ? (JSON.parse(row.message) as CampaignMessage) : null,
      status: row.status,
      merchantId: row.merchantId,
      targeted: row.targeted,
      holdout: row.holdout,
      processed,
      launchedAt: row.launchedAt?.toISOString() ?? null,
      completedAt: row.completedAt?.toISOString() ?? null,
      createdAt: row.createdAt.toISOString(),
    };
  }
}
