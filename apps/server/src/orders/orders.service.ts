import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { Principal } from '../common/auth';
import { notFound } from '../common/errors';
import { MembersService } from '../members/members.service';
import { MerchantsService } from '../merchants/merchants.service';
import { Order } from './order.entities';

export function toOrderDto(o: Order) {
  return {
    id: o.id,
    outTradeNo: o.outTradeNo,
    merchantId: o.merchantId,
    status: o.status,
    amountFen: o.amountFen,
    couponDiscountFen: o.couponDiscountFen,
    tierDiscountFen: o.tierDiscountFen,
    pointsUsed: o.pointsUsed,
    pointsDiscountFen: o.pointsDiscountFen,
    payableFen: o.payableFen,
    pointsEarned: o.pointsEarned,
    couponId: o.couponId,
    refundedFen: o.refundedFen,
    refundRequestedFen: o.refundRequestedFen,
    mallOrderId: o.mallOrderId,
    paidAt: o.paidAt?.toISOString() ?? null,
    createdAt: o.createdAt.toISOString(),
  };
}

/** Orders as members and merchants see them (read only). */
@Injectable()
export class OrdersService {
  constructor(
    @InjectRepository(Order) private readonly orders: Repository<Order>,
    private readonly members: MembersService,
    private readonly merchants: MerchantsService,
  ) {}

  /** The member's own order by id; another member's reads as not found. */
  async findOwn(who: Principal, id: string): Promise<Order> {
    const order = /^\d{1,19}$/.test(id)
      ? await this.orders.findOneBy({ id, allianceId: who.allianceId, memberId: who.id })
      : null;
    if (!order) throw notFound('订单');
    return order;
  }

  /** The cash order of a points + cash mall exchange, if it has one. */
  findForMall(mallOrderId: string): Promise<Order | null> {
    return this.orders.findOneBy({ mallOrderId });
  }

  async get(who: Principal, id: string) {
    const order = await this.findOwn(who, id);
    return {
      ...toOrderDto(order),
      payParams: order.status === 'pending' && order.payParams ? JSON.parse(order.payParams) : null,
    };
  }

  async listForMember(who: Principal) {
    const rows = await this.orders.find({
      where: { allianceId: who.allianceId, memberId: who.id },
      order: { id: 'DESC' },
      take: 100,
    });
    const names = new Map((await this.merchants.list(who.allianceId)).map((m) => [m.id, m.name]));
    return rows.map((o) => ({ ...toOrderDto(o), merchantName: names.get(o.merchantId) ?? null }));
  }

  /** The merchant's orders, with the payer shown only by a masked card number. */
  async listForMerchant(staff: Principal) {
    const rows = await this.orders.find({
      where: { allianceId: staff.allianceId, merchantId: staff.merchantId },
      order: { id: 'DESC' },
      take: 100,
    });
    const members = await this.members.findManyInAlliance(staff.allianceId, [
      ...new Set(rows.map((o) => o.memberId)),
    ]);
    const payers = new Map(members.map((m) => [m.id, `**** ${m.cardNo.slice(-4)}`]));
    return rows.map((o) => ({ ...toOrderDto(o), memberCardMasked: payers.get(o.memberId) ?? null }));
  }
}
