import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { CouponTemplate as CouponTemplateView, FieldError } from '@allycard/contracts';
import { EntityManager, In, Repository } from 'typeorm';
import { AlliancesService } from '../alliances/alliances.service';
import { Principal } from '../common/auth';
import { DomainError, notFound, validationFailed } from '../common/errors';
import { TransactionRunner } from '../common/transactions';
import { MerchantsService } from '../merchants/merchants.service';
import { CouponTemplate, CouponTemplateMerchant } from './coupon-template.entity';
import { CreateCouponTemplateDto, UpdateCouponTemplateDto } from './dto/coupon-template.dto';
import { isId } from '../common/ids';

export interface TemplateView {
  template: CouponTemplate;
  merchantIds: string[];
}

/** Coupon templates (券模板): what an alliance or merchant offers, and how much of it. */
@Injectable()
export class CouponTemplatesService {
  constructor(
    @InjectRepository(CouponTemplate) private readonly templates: Repository<CouponTemplate>,
    @InjectRepository(CouponTemplateMerchant)
    private readonly templateMerchants: Repository<CouponTemplateMerchant>,
    private readonly merchants: MerchantsService,
    private readonly alliances: AlliancesService,
    private readonly tx: TransactionRunner,
  ) {}

  async create(who: Principal, input: CreateCouponTemplateDto): Promise<TemplateView> {
    const problems = this.checkTerms(input);
    // A merchant admin issues coupons of its own merchant, usable only there.
    if (who.role === 'merchant_admin') {
      if (input.issuer.type !== 'merchant' || input.issuer.merchantId !== who.merchantId) {
        throw new DomainError('FORBIDDEN', 403, '商户管理员只能为本商户发券');
      }
      if (input.usableAt !== 'merchant' || (input.merchantIds ?? []).some((id) => id !== who.merchantId)) {
        throw new DomainError('FORBIDDEN', 403, '商户券只能在本商户使用');
      }
    }
    if (input.issuer.type === 'merchant') {
      if (!input.issuer.merchantId)
        problems.push({ field: 'issuer.merchantId', message: 'required when issuer.type is merchant' });
    } else if (input.issuer.merchantId) {
      problems.push({ field: 'issuer.merchantId', message: 'only for issuer.type merchant' });
    }
    if (input.minTierCode) {
      const tiers = await this.alliances.tiers(who.allianceId);
      if (!tiers.some((t) => t.code === input.minTierCode))
        problems.push({ field: 'minTierCode', message: 'no such tier' });
    }
    if (problems.length) throw validationFailed(problems, '券模板参数有误');

    const merchantIds = [...new Set(input.usableAt === 'merchant' ? (input.merchantIds ?? []) : [])];
    for (const id of [...merchantIds, ...(input.issuer.merchantId ? [input.issuer.merchantId] : [])]) {
      await this.merchants.get(who.allianceId, id);
    }

    const template = await this.tx.run(async (em) => {
      const now = new Date();
      const saved = await em.save(
        em.create(CouponTemplate, {
          allianceId: who.allianceId,
          title: input.title.trim(),
          description: input.description ?? null,
          kind: input.kind,
          valueFen: input.valueFen ?? null,
          discountPermille: input.kind === 'discount' ? (input.discountPermille ?? null) : null,
          maxDiscountFen: input.kind === 'discount' ? (input.maxDiscountFen ?? null) : null,
          thresholdFen: input.thresholdFen,
          stock: input.stock,
          issued: 0,
          perMemberLimit: input.perMemberLimit,
          validDays: input.validDays ?? null,
          validFrom: input.validFrom ? new Date(input.validFrom) : null,
          validUntil: input.validUntil ? new Date(input.validUntil) : null,
          usableAt: input.usableAt,
          audience: input.audience ?? 'all',
          minTierCode: input.minTierCode ?? null,
          firstOrderOnly: input.firstOrderOnly ?? false,
          forwardable: input.forwardable ?? false,
          joinGift: input.joinGift ?? false,
          channel: input.channel ?? 'centre',
          issuerType: input.issuer.type,
          issuerMerchantId: input.issuer.merchantId ?? null,
          status: 'active',
          createdAt: now,
          updatedAt: now,
        }),
      );
      if (merchantIds.length) {
        await em.insert(
          CouponTemplateMerchant,
          merchantIds.map((merchantId) => ({ templateId: saved.id, merchantId, allianceId: who.allianceId })),
        );
      }
      return saved;
    });
    return { template, merchantIds };
  }

  /** Cross-field rules of the contract's template fields. */
  private checkTerms(input: CreateCouponTemplateDto): FieldError[] {
    const problems: FieldError[] = [];
    const need = (field: keyof CreateCouponTemplateDto, message: string) => problems.push({ field, message });
    switch (input.kind) {
      case 'amount':
        if (!input.valueFen) need('valueFen', 'required for kind amount');
        else if (input.thresholdFen < input.valueFen)
          need('thresholdFen', '满减: thresholdFen must be at least valueFen');
        break;
      case 'no_threshold':
        if (!input.valueFen) need('valueFen', 'required for kind no_threshold');
        if (input.thresholdFen !== 0) need('thresholdFen', 'must be 0 for kind no_threshold');
        break;
      case 'discount':
        if (!input.discountPermille) need('discountPermille', 'required for kind discount');
        if (input.valueFen !== undefined) need('valueFen', 'not used by kind discount');
        break;
      case 'gift':
        if (input.discountPermille !== undefined) need('discountPermille', 'not used by kind gift');
        break;
    }
    if (input.kind !== 'discount' && input.maxDiscountFen !== undefined)
      need('maxDiscountFen', 'only for kind discount');
    const fixed = input.validFrom !== undefined || input.validUntil !== undefined;
    if (input.validDays && fixed) need('validDays', 'give validDays or validFrom/validUntil, not both');
    if (!input.validDays && !fixed) need('validDays', 'give validDays or validFrom and validUntil');
    if (fixed) {
      if (!input.validFrom || !input.validUntil) need('validUntil', 'validFrom and validUntil go together');
      else if (Date.parse(input.validUntil) <= Date.parse(input.validFrom))
        need('validUntil', 'must be after validFrom');
      else if (Date.parse(input.validUntil) <= Date.now()) need('validUntil', 'must be in the future');
    }
    if (input.usableAt === 'merchant' && !input.merchantIds?.length)
      need('merchantIds', 'required when usableAt is merchant');
    if (input.usableAt === 'alliance' && input.merchantIds?.length)
      need('merchantIds', 'only when usableAt is merchant');
    return problems;
  }

  async update(who: Principal, id: string, patch: UpdateCouponTemplateDto): Promise<TemplateView> {
    const { template } = await this.getManaged(who, id);
    await this.tx.run(async (em) => {
      const changes: Partial<CouponTemplate> = { updatedAt: new Date() };
      if (patch.title !== undefined) changes.title = patch.title.trim();
      if (patch.description !== undefined) changes.description = patch.description;
      if (patch.status !== undefined) changes.status = patch.status;
      if (patch.channel !== undefined) changes.channel = patch.channel;
      if (Object.keys(changes).length > 1)
        await em.update(CouponTemplate, { id: template.id, allianceId: who.allianceId }, changes);
      if (patch.stock !== undefined) {
        // Guarded like a claim: stock never drops below what was issued, even while claims run.
        const result = await em
          .createQueryBuilder()
          .update(CouponTemplate)
          .set({ stock: patch.stock })
          .where('id = :id AND issued <= :stock', { id: template.id, stock: patch.stock })
          .execute();
        if (result.affected !== 1) {
          throw new DomainError('CONFLICT', 409, '库存不能少于已发放数量', [
            { field: 'stock', message: 'below issued' },
          ]);
        }
      }
    });
    return this.getManaged(who, id);
  }

  /** A template the caller may manage: any of the alliance for its admin, its own for a merchant admin. */
  async getManaged(who: Principal, id: string): Promise<TemplateView> {
    const view = await this.find(who.allianceId, id);
    if (!view) throw notFound('券模板');
    if (who.role === 'merchant_admin' && view.template.issuerMerchantId !== who.merchantId)
      throw notFound('券模板');
    return view;
  }

  async list(who: Principal): Promise<TemplateView[]> {
    const where =
      who.role === 'merchant_admin'
        ? { allianceId: who.allianceId, issuerMerchantId: who.merchantId }
        : { allianceId: who.allianceId };
    return this.withMerchants(await this.templates.find({ where, order: { id: 'DESC' } }));
  }

  async find(allianceId: string, id: string): Promise<TemplateView | null> {
    if (!isId(id)) return null;
    const template = await this.templates.findOneBy({ id, allianceId });
    return template ? (await this.withMerchants([template]))[0] : null;
  }

  /** One of the alliance's templates as the caller's transaction sees it (a benefit issuing it). */
  templateIn(em: EntityManager, allianceId: string, id: string): Promise<CouponTemplate | null> {
    return em.findOneBy(CouponTemplate, { id, allianceId });
  }

  async byIds(allianceId: string, ids: string[]): Promise<Map<string, TemplateView>> {
    if (!ids.length) return new Map();
    const rows = await this.templates.findBy({ allianceId, id: In([...new Set(ids)]) });
    return new Map((await this.withMerchants(rows)).map((v) => [v.template.id, v]));
  }

  /**
   * Active templates of the alliance, for offers and join gifts. Inside a transaction pass its
   * manager: a second pooled connection per transaction can starve the pool under load.
   */
  async active(
    allianceId: string,
    filter: { joinGift: boolean },
    em?: EntityManager,
  ): Promise<TemplateView[]> {
    const repo = em ? em.getRepository(CouponTemplate) : this.templates;
    const rows = await repo.find({
      where: { allianceId, status: 'active', joinGift: filter.joinGift },
      order: { id: 'ASC' },
    });
    return this.withMerchants(rows, em);
  }

  private async withMerchants(templates: CouponTemplate[], em?: EntityManager): Promise<TemplateView[]> {
    const scoped = templates.filter((t) => t.usableAt === 'merchant').map((t) => t.id);
    const repo = em ? em.getRepository(CouponTemplateMerchant) : this.templateMerchants;
    const links = scoped.length ? await repo.findBy({ templateId: In(scoped) }) : [];
    return templates.map((template) => ({
      template,
      merchantIds: links
        .filter((l) => l.templateId === template.id)
        .map((l) => l.merchantId)
        .sort((a, b) => Number(a) - Number(b)),
    }));
  }
}

export function toTemplateDto({ template: t, merchantIds }: TemplateView): CouponTemplateView {
  return {
    id: t.id,
    title: t.title,
    description: t.description,
    kind: t.kind,
    valueFen: t.valueFen,
    discountPermille: t.discountPermille,
    maxDiscountFen: t.maxDiscountFen,
    thresholdFen: t.thresholdFen,
    stock: t.stock,
    issued: t.issued,
    remaining: Math.max(0, t.stock - t.issued),
    perMemberLimit: t.perMemberLimit,
    validDays: t.validDays,
    validFrom: t.validFrom?.toISOString() ?? null,
    validUntil: t.validUntil?.toISOString() ?? null,
    usableAt: t.usableAt,
    merchantIds,
    audience: t.audience,
    minTierCode: t.minTierCode,
    firstOrderOnly: t.firstOrderOnly,
    forwardable: t.forwardable,
    joinGift: t.joinGift,
    channel: t.channel,
    issuer: { type: t.issuerType, merchantId: t.issuerMerchantId },
    status: t.status,
    createdAt: t.createdAt.toISOString(),
  };
}
