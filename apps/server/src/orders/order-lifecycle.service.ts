import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { TransactionRunner } from '../common/transactions';
import { CouponUsageService } from '../coupons/coupon-usage.service';
import { CouponsService } from '../coupons/coupons.service';
import { OrderClosed, OrderPaid, OrderRefunded } from '../events/domain-events';
import { EventBus } from '../events/event-bus';
import { MembersService } from '../members/members.service';
import { OutboxService } from '../outbox/outbox.service';
import { LedgerReversalsService } from '../points/ledger-reversals.service';
import { PurchasesService } from '../points/purchases.service';
import { Order } from './order.entities';
import { CLOSE_ORDER_TOPIC } from './wechat-topics';

/**
 * An order's guarded transitions — pending → paid, pending → closed, paid → (partially) refunded —
 * each once whatever races it, each with its own effects and its event.
 */
@Injectable()
export class OrderLifecycleService {
  constructor(
    private readonly tx: TransactionRunner,
    private readonly coupons: CouponsService,
    private readonly couponUsage: CouponUsageService,
    private readonly members: MembersService,
    private readonly reversals: LedgerReversalsService,
    private readonly purchases: PurchasesService,
    private readonly outbox: OutboxService,
    private readonly events: EventBus,
  ) {}

  /** pending → paid, once (guarded); then the coupon is used and the purchase takes effect. */
  async markPaid(
    em: EntityManager,
    order: Order,
    payment: { transactionId: string | null; at: Date },
  ): Promise<boolean> {
    const paid = await em
      .createQueryBuilder()
      .update(Order)
      .set({
        status: 'paid',
        transactionId: payment.transactionId,
        paidAt: payment.at,
        updatedAt: payment.at,
      })
      .where("id = :id AND status = 'pending'", { id: order.id })
      .execute();
    if (paid.affected !== 1) return false;
    if (order.couponId)
      await this.couponUsage.consumeForOrder(em, { ...order, couponId: order.couponId }, payment.at);
    const member = await this.members.getIn(em, order.memberId);
    const effects = await this.purchases.record(
      em,
      member,
      { merchantId: order.merchantId, paidFen: order.payableFen, sourceType: 'order', sourceId: order.id },
      payment.at,
      // the member day and promotions of the day the order was priced: the points the pay page showed
      order.createdAt,
      // read just above, in this transaction
      true,
    );
    const firstOrderConflict =
      order.couponId && !effects.firstPurchase && (await this.usedFirstOrderCoupon(order));
    await em.update(
      Order,
      { id: order.id },
      { pointsEarned: effects.pointsEarned, ...(firstOrderConflict && { flag: 'first_order_conflict' }) },
    );
    const paidOrder: Order = {
      ...order,
      status: 'paid',
      transactionId: payment.transactionId,
      paidAt: payment.at,
      updatedAt: payment.at,
      pointsEarned: effects.pointsEarned,
    };
    await this.events.publish(em, new OrderPaid(paidOrder, payment.at));
    return true;
  }

  private async usedFirstOrderCoupon(order: Order): Promise<boolean> {
    const found = order.couponId ? await this.coupons.get(order.allianceId, order.couponId) : null;
    return !!found?.view.template.firstOrderOnly;
  }

  /**
   * pending → closed, once; the locked coupon and the spent points go back to the member, and an
   * outbox message closes it at WeChat (whose prepay may exist even when ours failed).
   */
  close(order: Order, at: Date): Promise<boolean> {
    return this.tx.run((em) => this.closeIn(em, order, at));
  }

  /** pending → closed in the caller's transaction (a closing account closes all its pending orders). */
  async closeIn(em: EntityManager, order: Order, at: Date): Promise<boolean> {
    const closed = await em.update(
      Order,
      { id: order.id, status: 'pending' },
      { status: 'closed', closedAt: at, updatedAt: at },
    );
    if (closed.affected !== 1) return false;
    if (order.payableFen > 0)
      await this.outbox.enqueue(em, {
        allianceId: order.allianceId,
        topic: CLOSE_ORDER_TOPIC,
        key: order.outTradeNo,
        payload: { outTradeNo: order.outTradeNo },
        availableAt: at,
      });
    if (order.couponId) await this.couponUsage.releaseFromOrder(em, order.couponId, order.id, at);
    if (order.pointsUsed > 0) {
      await this.reversals.returnSpent(
        em,
        await this.members.getIn(em, order.memberId),
        { type: 'order_points', id: order.id },
        order.pointsUsed,
        { type: 'order_close', id: order.id, merchantId: order.merchantId },
        at,
      );
    }
    await this.events.publish(
      em,
      new OrderClosed({ ...order, status: 'closed', closedAt: at, updatedAt: at }, at),
    );
    return true;
  }

  /**
   * A succeeded refund's amount onto the order, in one statement, and the order as it is after it:
   * two partial refunds settling at once cannot both see the old total (on MySQL this update keeps
   * the order row locked until commit, so the other one waits and reads the sum).
   */
  async addRefunded(em: EntityManager, orderId: string, amountFen: number, at: Date): Promise<Order> {
    await em
      .createQueryBuilder()
      .update(Order)
      .set({ refundedFen: () => `refunded_fen + ${Number(amountFen)}`, updatedAt: at })
      .where('id = :id', { id: orderId })
      .execute();
    return em.findOneByOrFail(Order, { id: orderId });
  }

  /** paid → partially refunded, or → refunded when this refund completes it (OrderRefunded). */
  async markRefunded(em: EntityManager, order: Order, full: boolean, at: Date): Promise<void> {
    await em.update(Order, { id: order.id }, { status: full ? 'refunded' : 'partially_refunded' });
    if (full) await this.events.publish(em, new OrderRefunded({ ...order, status: 'refunded' }, at));
  }
}
