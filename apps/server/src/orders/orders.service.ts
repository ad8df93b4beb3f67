import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Order as OrderView, OrderRefundSummary } from '@allycard/contracts';
import { In, Not, Repository } from 'typeorm';
import { Principal } from '../common/auth';
import { notFound } from '../common/errors';
import { MembersService } from '../members/members.service';
import { MerchantsService } from '../merchants/merchants.service';
import { Order, Refund } from './order.entities';
import { isId } from '../common/ids';

export function toOrderDto(o: Order): OrderView {
  return {
    id: o.id,
    outTradeNo: o.outTradeNo,
    merchantId: o.merchantId,
    status: o.status,
    amountFen: o.amountFen,
    couponDiscountFen: o.couponDiscountFen,
    tierDiscountFen: o.tierDiscountFen,
    memberDayDiscountFen: o.memberDayDiscountFen,
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
    @InjectRepository(Refund) private readonly refunds: Repository<Refund>,
    private readonly members: MembersService,
    private readonly merchants: MerchantsService,
  ) {}

  /** The member's own order by id; another member's reads as not found. */
  async findOwn(who: Principal, id: string): Promise<Order> {
    const order = isId(id)
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
      refundSummary: (await this.refundsOf([order])).get(order.id) ?? null,
      payParams: order.status === 'pending' && order.payParams ? JSON.parse(order.payParams) : null,
    };
  }

  /** The member's orders, newest first: the latest `limit` for the app, all of them (null) for the export. */
  async listForMember(who: Principal, limit: number | null = 100) {
    const rows = await this.orders.find({
      where: { allianceId: who.allianceId, memberId: who.id },
      order: { id: 'DESC' },
      ...(limit !== null && { take: limit }),
    });
    const names = new Map((await this.merchants.list(who.allianceId)).map((m) => [m.id, m.name]));
    const refunds = await this.refundsOf(rows);
    return rows.map((o) => ({
      ...toOrderDto(o),
      merchantName: names.get(o.merchantId) ?? null,
      refundSummary: refunds.get(o.id) ?? null,
    }));
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
    const refunds = await this.refundsOf(rows);
    return rows.map((o) => ({
      ...toOrderDto(o),
      memberCardMasked: payers.get(o.memberId) ?? null,
      refundSummary: refunds.get(o.id) ?? null,
    }));
  }

  /** Per order, what its refunds did (those WeChat refused left out); orders never refunded have none. */
  private async refundsOf(orders: Order[]): Promise<Map<string, OrderRefundSummary>> {
    // only a paid order is ever refunded
    const asked = orders.filter((o) => o.paidAt !== null);
    const rows = asked.length
      ? await this.refunds.find({
          where: { orderId: In(asked.map((o) => o.id)), status: Not('failed') },
          order: { id: 'ASC' },
        })
      : [];
    const summaries = new Map<string, OrderRefundSummary>();
    for (const r of rows) {
      const s = summaries.get(r.orderId) ?? {
        processingFen: 0,
        refundedFen: 0,
        pointsClawedBack: 0,
        pointsReturned: 0,
        couponReturned: false,
        refundedAt: null,
      };
      if (r.status === 'processing') s.processingFen += r.amountFen;
      else {
        s.refundedFen += r.amountFen;
        s.pointsClawedBack += r.pointsClawedBack;
        s.pointsReturned += r.pointsReturned;
        s.couponReturned ||= r.couponReturned;
        s.refundedAt = r.succeededAt?.toISOString() ?? s.refundedAt;
      }
      summaries.set(r.orderId, s);
    }
    return summaries;
  }
}
