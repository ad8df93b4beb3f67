import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { parseInstant } from '@allycard/domain';
import { EntityManager, LessThan, Repository } from 'typeorm';
import { afterCommit, TransactionRunner } from '../common/transactions';
import { OutboxDispatcher } from '../outbox/outbox.dispatcher';
import { WechatPayClient, WechatTransaction } from '../wechat/wechat-pay.client';
import { PAY_WINDOW_MS } from './pay-settings';
import { OrderLifecycleService } from './order-lifecycle.service';
import { Order } from './order.entities';
import { CLOSE_ORDER_TOPIC } from './wechat-topics';

export type PaymentApplied = 'paid' | 'duplicate' | 'unknown_order' | 'amount_mismatch' | 'not_success';

/**
 * What WeChat Pay says about an order, applied once: its payment notification, and the answer to a
 * query when the member cancels or the stale-order job sweeps (then an unpaid order is closed).
 */
@Injectable()
export class PaymentReconciler {
  private readonly logger = new Logger(PaymentReconciler.name);

  constructor(
    @InjectRepository(Order) private readonly orders: Repository<Order>,
    private readonly lifecycle: OrderLifecycleService,
    private readonly pay: WechatPayClient,
    private readonly tx: TransactionRunner,
    private readonly dispatcher: OutboxDispatcher,
  ) {}

  /**
   * A payment WeChat confirmed (notification or query). Amount and merchant are checked against the
   * order; a mismatch is flagged for a person and not paid. Duplicates change nothing.
   */
  async applyPayment(transaction: WechatTransaction): Promise<PaymentApplied> {
    if (transaction.trade_state !== 'SUCCESS') return 'not_success';
    const order = await this.orders.findOneBy({ outTradeNo: transaction.out_trade_no });
    if (!order) return 'unknown_order';
    if (transaction.amount.total !== order.payableFen) {
      if (order.flag !== 'amount_mismatch') {
        this.logger.error(
          `order ${order.id}: WeChat says ${transaction.amount.total} fen paid, the order is ${order.payableFen}`,
        );
        await this.tx.run((em) =>
          em.update(Order, { id: order.id }, { flag: 'amount_mismatch', updatedAt: new Date() }),
        );
      }
      return 'amount_mismatch';
    }
    // Redeliveries of an applied payment stop here, before any transaction.
    if (order.status !== 'pending' && order.status !== 'closed') return 'duplicate';
    const at = parseInstant(transaction.success_time ?? '') ?? new Date();
    return this.tx.run(async (em) => {
      if (await this.lifecycle.markPaid(em, order, { transactionId: transaction.transaction_id ?? null, at }))
        return 'paid' as const;
      // Paid after we closed it (a race with the stale-order job): money came in, a person refunds it.
      const current = await em.findOneByOrFail(Order, { id: order.id });
      if (current.status === 'closed' && current.flag !== 'paid_after_close') {
        await em.update(
          Order,
          { id: order.id },
          {
            flag: 'paid_after_close',
            transactionId: transaction.transaction_id ?? null,
            updatedAt: new Date(),
          },
        );
      }
      return 'duplicate' as const;
    });
  }

  /**
   * Asks WeChat about a pending order and applies the payment it reports (what applying said), or
   * 'unpaid' when it has none, 'unknown' when it did not answer.
   */
  async reconcile(order: Order): Promise<PaymentApplied | 'unpaid' | 'unknown'> {
    const remote = await this.pay.query(order.outTradeNo);
    if (remote === 'unknown') return 'unknown';
    // REFUND: it was paid, and refunded at WeChat since; the payment still happened.
    if (remote && (remote.trade_state === 'SUCCESS' || remote.trade_state === 'REFUND'))
      return this.applyPayment({ ...remote, trade_state: 'SUCCESS' });
    return 'unpaid';
  }

  /** Closes a pending order (coupon and points back) and tells WeChat at once; false if not pending. */
  async closeUnpaid(order: Order, at: Date): Promise<boolean> {
    if (!(await this.lifecycle.close(order, at))) return false;
    await this.dispatcher.sendNow(CLOSE_ORDER_TOPIC, order.outTradeNo, at);
    return true;
  }

  /**
   * Before a closing account's transaction: asks WeChat about each pending order with a prepay and
   * applies a payment that went through (as cancel does), so closing does not close a paid order.
   * An unanswered query is no obstacle: the close message sent after commit applies a late payment.
   */
  async reconcilePendingOf(member: { id: string; allianceId: string }): Promise<void> {
    const pending = await this.orders.findBy({
      allianceId: member.allianceId,
      memberId: member.id,
      status: 'pending',
    });
    for (const order of pending) if (order.payParams) await this.reconcile(order);
  }

  /**
   * Closes every pending order of a closing account in the caller's transaction (coupon and points
   * back to the member first, then the account's effects take them), and tells WeChat after commit.
   */
  async closeAllPendingIn(em: EntityManager, member: { id: string; allianceId: string }, at: Date) {
    const pending = await em.findBy(Order, {
      allianceId: member.allianceId,
      memberId: member.id,
      status: 'pending',
    });
    let closed = 0;
    for (const order of pending) {
      if (!(await this.lifecycle.closeIn(em, order, at))) continue;
      closed++;
      if (order.payableFen > 0)
        afterCommit(
          em,
          async () => {
            await this.dispatcher.sendNow(CLOSE_ORDER_TOPIC, order.outTradeNo, at);
          },
          'close order',
        );
    }
    return closed;
  }

  /**
   * The stale-order job: asks WeChat about orders unpaid after the pay window, then pays or closes them
   * (past the window WeChat takes no payment for them: time_expire).
   */
  async settleStale(now = new Date()): Promise<{ paid: number; closed: number; unknown: number }> {
    const stale = await this.orders.find({
      where: { status: 'pending', createdAt: LessThan(new Date(now.getTime() - PAY_WINDOW_MS)) },
      take: 200,
    });
    const counts = { paid: 0, closed: 0, unknown: 0 };
    for (const order of stale) {
      const outcome = await this.reconcile(order);
      if (outcome === 'unknown') counts.unknown++;
      else if (outcome === 'paid') counts.paid++;
      else if (outcome === 'unpaid' && (await this.closeUnpaid(order, now))) counts.closed++;
    }
    return counts;
  }
}
