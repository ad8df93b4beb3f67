import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, In, MoreThan, Repository } from 'typeorm';
import { Principal } from '../common/auth';
import { randomDigits } from '../common/crypto';
import { DomainError, notFound } from '../common/errors';
import { rememberResult } from '../common/idempotency';
import { isUniqueViolation, RetryableConflict, TransactionRunner } from '../common/transactions';
import { CouponTemplatesService } from '../coupons/coupon-templates.service';
import { CouponsService } from '../coupons/coupons.service';
import { CouponIssuingService } from '../coupons/coupon-issuing.service';
import { MembersService } from '../members/members.service';
import type { Order } from '../orders/order.entities';
import { OrdersService } from '../orders/orders.service';
import { CheckoutService } from '../orders/checkout.service';
import { LedgerService } from '../points/ledger.service';
import { LedgerReversalsService } from '../points/ledger-reversals.service';
import { MallCatalogueService } from './mall-catalogue.service';
import { MallItem, MallMemberCount, MallOrder } from './mall.entities';

/**
 * Exchanging points in the mall. A redemption takes stock, the member's per-item allowance and the
 * points in one transaction, each by a guarded update, so racing redemptions never oversell, exceed a
 * limit or overdraw a balance; a points + cash exchange waits for its order's payment.
 */
@Injectable()
export class MallRedemptionService {
  constructor(
    @InjectRepository(MallItem) private readonly items: Repository<MallItem>,
    @InjectRepository(MallOrder) private readonly orders: Repository<MallOrder>,
    private readonly catalogue: MallCatalogueService,
    private readonly members: MembersService,
    private readonly ledger: LedgerService,
    private readonly reversals: LedgerReversalsService,
    private readonly coupons: CouponsService,
    private readonly couponIssuing: CouponIssuingService,
    private readonly templates: CouponTemplatesService,
    private readonly checkout: CheckoutService,
    private readonly cashOrders: OrdersService,
    private readonly tx: TransactionRunner,
  ) {}

  async redeem(who: Principal, itemId: string, quantity: number) {
    const member = await this.members.get(who);
    const item = await this.catalogue.get(who.allianceId, itemId);
    if (item.status !== 'active') throw new DomainError('NOT_ELIGIBLE', 422, '该商品已下架');
    const points = item.pointsPrice * quantity;
    if (member.points < points)
      throw new DomainError('INSUFFICIENT_POINTS', 409, `积分不足，需要 ${points} 积分`);
    const template = item.couponTemplateId
      ? (await this.templates.find(who.allianceId, item.couponTemplateId))?.template
      : null;
    const now = new Date();

    const order = await this.tx.run(async (em) => {
      await this.members.holdOpen(em, who.allianceId, member.id, now);
      const stock = await em
        .createQueryBuilder()
        .update(MallItem)
        .set({ issued: () => `issued + ${quantity}` })
        .where("id = :id AND status = 'active' AND issued + :q <= stock", { id: item.id, q: quantity })
        .execute();
      if (stock.affected !== 1) throw new DomainError('OUT_OF_STOCK', 409, '库存不足，已被兑完');

      await em
        .createQueryBuilder()
        .insert()
        .into(MallMemberCount)
        .values({ itemId: item.id, memberId: member.id, redeemed: 0 })
        .orIgnore()
        .execute();
      const allowance = await em
        .createQueryBuilder()
        .update(MallMemberCount)
        .set({ redeemed: () => `redeemed + ${quantity}` })
        .where('item_id = :item AND member_id = :member AND redeemed + :q <= :limit', {
          item: item.id,
          member: member.id,
          q: quantity,
          limit: item.perMemberLimit,
        })
        .execute();
      if (allowance.affected !== 1)
        throw new DomainError('LIMIT_REACHED', 409, `每人限兑 ${item.perMemberLimit} 件`);

      let saved: MallOrder;
      try {
        saved = await em.save(
          em.create(MallOrder, {
            allianceId: who.allianceId,
            itemId: item.id,
            memberId: member.id,
            quantity,
            pointsSpent: points,
            status:
              item.cashFen > 0
                ? 'pending_payment'
                : item.fulfilment === 'pickup'
                  ? 'awaiting_pickup'
                  : 'completed',
            cashFen: item.cashFen * quantity,
            pickupCode: item.fulfilment === 'pickup' ? randomDigits(10) : null,
            merchantId: item.merchantId,
            couponId: null,
            fulfilledBy: null,
            fulfilledAt: null,
            createdAt: now,
          }),
        );
      } catch (error) {
        // A pickup code collided (1 in 10^10): run the whole action again with a new one.
        if (isUniqueViolation(error, 'pickup')) throw new RetryableConflict('pickup code collision');
        throw error;
      }
      // Points spent on a pickup item are credited to the merchant that hands it over; coupon items to the alliance.
      const credit = item.merchantId
        ? ({ accountKind: 'merchant_redemption', ownerId: item.merchantId } as const)
        : ({ accountKind: 'alliance', ownerId: '0' } as const);
      await this.ledger.spend(
        em,
        member,
        points,
        credit,
        { type: 'mall_order', id: saved.id, merchantId: item.merchantId },
        now,
      );

      if (template) {
        const issued = [];
        for (let i = 0; i < quantity; i++) {
          const coupon = await this.couponIssuing.issue(em, template, member, 'mall');
          if (!coupon) throw new DomainError('OUT_OF_STOCK', 409, '兑换的券已发完');
          issued.push(coupon);
        }
        await em.update(MallOrder, { id: saved.id }, { couponId: issued[0].id });
        saved.couponId = issued[0].id;
      }
      // Points + cash: the cash part is an order paid with WeChat Pay; the item is handed over once paid.
      const cashOrder =
        item.cashFen > 0
          ? await this.checkout.createForMall(
              em,
              member,
              item.merchantId!,
              item.cashFen * quantity,
              saved.id,
              now,
            )
          : null;
      await rememberResult(em, 'mall-redeem', saved.id);
      return { saved, cashOrder };
    });
    const payParams = order.cashOrder
      ? await this.checkout.prepay(order.cashOrder, `积分商城 ${item.title}`, member)
      : null;
    return {
      ...(await this.orderDto(order.saved)),
      ...(order.cashOrder && { paymentOrderId: order.cashOrder.id, payParams }),
    };
  }

  /** A redemption's answer rebuilt from its mall order (replaying an Idempotency-Key after a crash). */
  async redeemed(who: Principal, mallOrderId: string) {
    const saved = await this.orders.findOneByOrFail({ id: mallOrderId, memberId: who.id });
    const cash = saved.cashFen > 0 ? await this.cashOrders.findForMall(mallOrderId) : null;
    const payParams = cash?.status === 'pending' && cash.payParams ? JSON.parse(cash.payParams) : null;
    return { ...(await this.orderDto(saved)), ...(cash && { paymentOrderId: cash.id, payParams }) };
  }

  /** The cash part is paid: the exchange becomes a pickup. */
  async cashPaid(em: EntityManager, order: Order) {
    if (!order.mallOrderId) return;
    await em.update(
      MallOrder,
      { id: order.mallOrderId, status: 'pending_payment' },
      { status: 'awaiting_pickup' },
    );
  }

  /**
   * The cash part was never paid (closed) or fully refunded before pickup: the exchange is cancelled,
   * its points, stock and the member's allowance given back — once (guarded on the status).
   */
  async cancelUnpaid(em: EntityManager, order: Order, at: Date, from: 'pending_payment' | 'awaiting_pickup') {
    if (order.mallOrderId) await this.cancelIn(em, order.mallOrderId, from, at);
  }

  /**
   * A closing account's exchanges still awaiting pickup that it paid with points only: cancelled, the
   * points given back (the closure then forfeits them with the rest) and the stock returned, so no
   * pickup code outlives its member. Answers how many.
   */
  async cancelPointsPickupsOf(em: EntityManager, memberId: string, at: Date): Promise<number> {
    const waiting = await em.findBy(MallOrder, { memberId, status: 'awaiting_pickup', cashFen: 0 });
    let cancelled = 0;
    for (const o of waiting) if (await this.cancelIn(em, o.id, 'awaiting_pickup', at)) cancelled += 1;
    return cancelled;
  }

  /** Exchanges awaiting pickup whose cash part was paid: only the merchant can refund those. */
  countPaidPickupsOf(memberId: string): Promise<number> {
    return this.orders.countBy({ memberId, status: 'awaiting_pickup', cashFen: MoreThan(0) });
  }

  /** Cancels one exchange from `from`, once (guarded on the status), giving everything back. */
  private async cancelIn(
    em: EntityManager,
    mallOrderId: string,
    from: 'pending_payment' | 'awaiting_pickup',
    at: Date,
  ): Promise<boolean> {
    const cancelled = await em.update(MallOrder, { id: mallOrderId, status: from }, { status: 'cancelled' });
    if (cancelled.affected !== 1) return false;
    const mallOrder = await em.findOneByOrFail(MallOrder, { id: mallOrderId });
    if (mallOrder.merchantId) {
      await this.reversals.returnSpent(
        em,
        await this.members.getIn(em, mallOrder.memberId),
        { type: 'mall_order', id: mallOrder.id },
        mallOrder.pointsSpent,
        { type: 'mall_cancel', id: mallOrder.id, merchantId: mallOrder.merchantId },
        at,
      );
    }
    await em
      .createQueryBuilder()
      .update(MallItem)
      .set({ issued: () => `issued - ${mallOrder.quantity}` })
      .where('id = :id', { id: mallOrder.itemId })
      .execute();
    await em
      .createQueryBuilder()
      .update(MallMemberCount)
      .set({ redeemed: () => `redeemed - ${mallOrder.quantity}` })
      .where('item_id = :item AND member_id = :member', {
        item: mallOrder.itemId,
        member: mallOrder.memberId,
      })
      .execute();
    return true;
  }

  /** The member's exchanges, newest first: the latest `limit`, or all of them (null) for the export. */
  async myOrders(who: Principal, limit: number | null = 100) {
    const rows = await this.orders.find({
      where: { allianceId: who.allianceId, memberId: who.id },
      order: { id: 'DESC' },
      ...(limit !== null && { take: limit }),
    });
    return this.orderDtos(rows);
  }

  /** A clerk hands over a pickup item: only the item's merchant, only once. */
  async pickup(staff: Principal, pickupCode: string) {
    const order = await this.orders.findOneBy({ allianceId: staff.allianceId, pickupCode });
    if (!order || order.merchantId !== staff.merchantId) throw notFound('提货码');
    if (order.status === 'pending_payment') throw new DomainError('NOT_PAID', 409, '该兑换尚未付款');
    if (order.status === 'cancelled') throw new DomainError('ORDER_NOT_REFUNDABLE', 409, '该兑换已取消');
    const now = new Date();
    const done = await this.tx.run((em) =>
      em.update(
        MallOrder,
        { id: order.id, status: 'awaiting_pickup' },
        { status: 'fulfilled', fulfilledBy: staff.id, fulfilledAt: now },
      ),
    );
    if (done.affected !== 1) throw new DomainError('ALREADY_FULFILLED', 409, '该提货码已核销');
    return this.orderDto((await this.orders.findOneBy({ id: order.id }))!);
  }

  private async orderDto(o: MallOrder) {
    return (await this.orderDtos([o]))[0];
  }

  /** Mall orders as the phone sees them, with item titles and merchant names read once for the lot. */
  private async orderDtos(orders: MallOrder[]) {
    if (!orders.length) return [];
    const items = await this.items.findBy({ id: In([...new Set(orders.map((o) => o.itemId))]) });
    const names = await this.catalogue.merchantNames(orders[0].allianceId);
    return Promise.all(
      orders.map((o) =>
        this.orderView(
          o,
          items.find((i) => i.id === o.itemId),
          names,
        ),
      ),
    );
  }

  private async orderView(o: MallOrder, item: MallItem | undefined, names: Map<string, string>) {
    const coupon = o.couponId ? await this.coupons.get(o.allianceId, o.couponId) : null;
    return {
      id: o.id,
      itemId: o.itemId,
      title: item?.title ?? '',
      status: o.status,
      quantity: o.quantity,
      pointsSpent: o.pointsSpent,
      // The code is shown only once it can be used.
      pickupCode: o.status === 'awaiting_pickup' || o.status === 'fulfilled' ? o.pickupCode : null,
      cashFen: o.cashFen,
      // An exchange waiting for its cash part names the order to pay.
      paymentOrderId:
        o.status === 'pending_payment' ? ((await this.cashOrders.findForMall(o.id))?.id ?? null) : null,
      coupon: coupon ? this.coupons.toDto(coupon.row, coupon.view) : null,
      merchantId: o.merchantId,
      merchantName: o.merchantId ? (names.get(o.merchantId) ?? null) : null,
      fulfilledAt: o.fulfilledAt?.toISOString() ?? null,
      createdAt: o.createdAt.toISOString(),
    };
  }
}
