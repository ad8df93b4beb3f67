import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { AdminMallItem, MallItem as MallItemView } from '@allycard/contracts';
import { In, Repository } from 'typeorm';
import { Principal } from '../common/auth';
import { notFound, validationFailed } from '../common/errors';
import { TransactionRunner } from '../common/transactions';
import { CouponTemplatesService } from '../coupons/coupon-templates.service';
import { MerchantsService } from '../merchants/merchants.service';
import { CreateMallItemDto } from './dto/mall.dto';
import { MallItem, MallMemberCount } from './mall.entities';
import { isId } from '../common/ids';

/** The points mall's catalogue (积分商城): items, what members see of them, pausing and resuming. */
@Injectable()
export class MallCatalogueService {
  constructor(
    @InjectRepository(MallItem) private readonly items: Repository<MallItem>,
    private readonly merchants: MerchantsService,
    private readonly templates: CouponTemplatesService,
    private readonly tx: TransactionRunner,
  ) {}

  async createItem(who: Principal, input: CreateMallItemDto): Promise<MallItem> {
    const problems = [];
    if (input.cashFen > 0 && input.fulfilment !== 'pickup')
      problems.push({
        field: 'cashFen',
        message: 'a cash part is for pickup items (paid to their merchant)',
      });
    if (input.fulfilment === 'pickup' && !input.merchantId)
      problems.push({ field: 'merchantId', message: 'required for pickup items' });
    if (input.fulfilment === 'coupon' && !input.couponTemplateId)
      problems.push({ field: 'couponTemplateId', message: 'required for coupon items' });
    if (input.fulfilment === 'pickup' && input.couponTemplateId)
      problems.push({ field: 'couponTemplateId', message: 'only for coupon items' });
    if (problems.length) throw validationFailed(problems, '商品参数有误');
    if (input.merchantId) await this.merchants.get(who.allianceId, input.merchantId);
    if (input.couponTemplateId) {
      const view = await this.templates.find(who.allianceId, input.couponTemplateId);
      if (!view) throw notFound('券模板');
      if (view.template.joinGift)
        throw validationFailed([
          { field: 'couponTemplateId', message: 'join gift templates cannot be sold' },
        ]);
    }
    return this.tx.run((em) =>
      em.save(
        em.create(MallItem, {
          allianceId: who.allianceId,
          title: input.title.trim(),
          description: input.description ?? null,
          pointsPrice: input.pointsPrice,
          cashFen: input.cashFen,
          stock: input.stock,
          issued: 0,
          perMemberLimit: input.perMemberLimit,
          fulfilment: input.fulfilment,
          merchantId: input.merchantId ?? null,
          couponTemplateId: input.couponTemplateId ?? null,
          status: 'active',
          imageUrl: input.imageUrl ?? null,
          createdAt: new Date(),
        }),
      ),
    );
  }

  /** Puts a photo on an item, or takes it off (null). */
  async setImage(who: Principal, id: string, imageUrl: string | null) {
    const item = await this.get(who.allianceId, id);
    await this.tx.run((em) => em.update(MallItem, { id: item.id }, { imageUrl }));
    return this.get(who.allianceId, id);
  }

  async setStatus(who: Principal, id: string, status: MallItem['status']) {
    const item = await this.get(who.allianceId, id);
    await this.tx.run((em) => em.update(MallItem, { id: item.id }, { status }));
    return this.get(who.allianceId, id);
  }

  async listAdmin(who: Principal) {
    return this.items.find({ where: { allianceId: who.allianceId }, order: { id: 'DESC' } });
  }

  /** What members see: active items with stock left and how many they already have. */
  async list(who: Principal) {
    const items = await this.items.find({
      where: { allianceId: who.allianceId, status: 'active' },
      order: { id: 'ASC' },
    });
    const counts = items.length
      ? await this.items.manager.findBy(MallMemberCount, {
          memberId: who.id,
          itemId: In(items.map((i) => i.id)),
        })
      : [];
    const names = await this.merchantNames(who.allianceId);
    return items.map((i) => memberItemDto(i, names, counts.find((c) => c.itemId === i.id)?.redeemed ?? 0));
  }

  /** An item of the alliance by id (404 otherwise). */
  async get(allianceId: string, id: string): Promise<MallItem> {
    const item = isId(id) ? await this.items.findOneBy({ id, allianceId }) : null;
    if (!item) throw notFound('商品');
    return item;
  }

  async merchantNames(allianceId: string): Promise<Map<string, string>> {
    return new Map((await this.merchants.list(allianceId)).map((m) => [m.id, m.name]));
  }
}

/** An item as the operator's console shows it. */
export function itemDto(i: MallItem, names: Map<string, string>): AdminMallItem {
  const { redeemedByMe: _mine, ...shown } = memberItemDto(i, names, 0);
  return { ...shown, stock: i.stock, couponTemplateId: i.couponTemplateId, status: i.status };
}

/** An item as a member sees it in the points mall: no stock figures beyond what is left, no template. */
function memberItemDto(i: MallItem, names: Map<string, string>, redeemedByMe: number): MallItemView {
  return {
    id: i.id,
    title: i.title,
    description: i.description,
    pointsPrice: i.pointsPrice,
    cashFen: i.cashFen,
    remaining: Math.max(0, i.stock - i.issued),
    perMemberLimit: i.perMemberLimit,
    fulfilment: i.fulfilment,
    merchantId: i.merchantId,
    merchantName: i.merchantId ? (names.get(i.merchantId) ?? null) : null,
    redeemedByMe,
    imageUrl: i.imageUrl,
  };
}
