import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { formatFen, refundEffects } from '@allycard/domain';
import { EntityManager, In, LessThan, Not, Repository } from 'typeorm';
import { StaffLimitsService } from '../alliances/staff-limits.service';
import { Principal } from '../common/auth';
import { APP_CONFIG, AppConfig } from '../common/config';
import { randomDigits } from '../common/crypto';
import { DomainError, notFound } from '../common/errors';
import { rememberResult } from '../common/idempotency';
import { TransactionRunner } from '../common/transactions';
import { CouponUsageService } from '../coupons/coupon-usage.service';
import { ReferralService } from '../coupons/referral.service';
import { CounterService } from '../counter/counter.service';
import { RefundSucceeded } from '../events/domain-events';
import { EventBus } from '../events/event-bus';
import type { Member } from '../members/member.entity';
import { MembersService } from '../members/members.service';
import { OutboxDispatcher, OutboxOutcome } from '../outbox/outbox.dispatcher';
import { OutboxService } from '../outbox/outbox.service';
import { LedgerReversalsService } from '../points/ledger-reversals.service';
import { TiersService } from '../points/tiers.service';
import { WechatPayClient, WechatRefundNotice } from '../wechat/wechat-pay.client';
import { OrderLifecycleService } from './order-lifecycle.service';
import { Order, Refund } from './order.entities';
import { toOrderDto } from './orders.service';
import { NOTIFY_PATH } from './pay-settings';
import { REFUND_TOPIC } from './wechat-topics';
import { isId } from '../common/ids';

/**
 * Refunds, full or partial, by the order's merchant. The amount is reserved on the order by a guarded
 * update (never more than was paid); WeChat's refund notification then reverses the order's effects
 * exactly once and in proportion: points earned are clawed back, points spent returned, tier spend
 * reduced, and on a full refund the coupon comes back while still valid and a referral reward earned
 * by this (only) purchase is withdrawn. A partial refund never returns the coupon: the threshold was
 * met by the original purchase, and the discount stays with what was kept.
 *
 * The call to WeChat is an outbox message written with the refund: a crash or an unknown answer leaves
 * it to be sent again with the same out_refund_no, which WeChat applies once.
 */
@Injectable()
export class RefundsService implements OnModuleInit {
  private readonly logger = new Logger(RefundsService.name);

  constructor(
    @InjectRepository(Order) private readonly orders: Repository<Order>,
    @InjectRepository(Refund) private readonly refunds: Repository<Refund>,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly reversals: LedgerReversalsService,
    private readonly tiers: TiersService,
    private readonly pay: WechatPayClient,
    private readonly tx: TransactionRunner,
    private readonly outbox: OutboxService,
    private readonly dispatcher: OutboxDispatcher,
    private readonly staffLimits: StaffLimitsService,
    private readonly lifecycle: OrderLifecycleService,
    private readonly referrals: ReferralService,
    private readonly couponUsage: CouponUsageService,
    private readonly members: MembersService,
    private readonly counter: CounterService,
    private readonly events: EventBus,
  ) {}

  onModuleInit() {
    this.dispatcher.register(REFUND_TOPIC, ({ outRefundNo }) => this.submit(outRefundNo));
  }

  async request(staff: Principal, orderId: string, amountFen?: number) {
    const order = isId(orderId)
      ? await this.orders.findOneBy({ id: orderId, allianceId: staff.allianceId })
      : null;
    if (!order || order.merchantId !== staff.merchantId) throw notFound('订单');
    if (order.status !== 'paid' && order.status !== 'partially_refunded')
      throw new DomainError('ORDER_NOT_REFUNDABLE', 409, '该订单当前不能退款');
    const remaining = order.payableFen - order.refundRequestedFen;
    const amount = amountFen ?? remaining;
    // A zero-payable order (all coupon and points) is "refunded" to give back the coupon and points.
    if (order.payableFen > 0 && (amount < 1 || amount > remaining)) {
      throw new DomainError('REFUND_EXCEEDS_PAID', 409, `可退金额为 ${formatFen(remaining)}`);
    }
    // Beyond the clerk's limits (amount, order age) a merchant admin refunds: 403, nothing reserved.
    await this.staffLimits.checkRefund(staff, order, amount);
    if (order.payableFen > 0 && !this.pay.enabled)
      throw new DomainError('WECHAT_UNAVAILABLE', 503, '微信支付未开通，无法退款');
    const now = new Date();
    const outRefundNo = `RF${order.outTradeNo.slice(2, 10)}${randomDigits(14)}`;
    const refund = await this.tx.run(async (em) => {
      const reserved = await em
        .createQueryBuilder()
        .update(Order)
        .set({
          refundRequestedFen: () => `refund_requested_fen + ${order.payableFen > 0 ? amount : 0}`,
          updatedAt: now,
        })
        .where(
          "id = :id AND status IN ('paid', 'partially_refunded') AND refund_requested_fen + :amount <= payable_fen",
          { id: order.id, amount: order.payableFen > 0 ? amount : 0 },
        )
        .execute();
      if (reserved.affected !== 1) throw new DomainError('REFUND_EXCEEDS_PAID', 409, '退款金额超过可退金额');
      if (order.payableFen === 0) {
        const pending = await em.countBy(Refund, { orderId: order.id, status: Not('failed') });
        if (pending > 0) throw new DomainError('ORDER_NOT_REFUNDABLE', 409, '该订单已退款');
      }
      const saved = await em.save(
        em.create(Refund, {
          allianceId: order.allianceId,
          orderId: order.id,
          outRefundNo,
          amountFen: order.payableFen > 0 ? amount : 0,
          status: 'processing',
          staffId: staff.id,
          pointsClawedBack: 0,
          pointsReturned: 0,
          couponReturned: false,
          createdAt: now,
          succeededAt: null,
        }),
      );
      // Nothing to pay back: the coupon and points come back at once.
      if (order.payableFen === 0) await this.applySucceeded(em, saved, now);
      else
        await this.outbox.enqueue(em, {
          allianceId: order.allianceId,
          topic: REFUND_TOPIC,
          key: outRefundNo,
          payload: { outRefundNo },
        });
      await rememberResult(em, 'refund', saved.id);
      return saved;
    });

    // Sent at once so the answer tells 'accepted' or 'rejected'; an unknown outcome stays due again.
    if (order.payableFen > 0) await this.dispatcher.sendNow(REFUND_TOPIC, outRefundNo);
    return this.answer(staff, refund.id);
  }

  /** What request() answers: the order with this refund, or 409 when WeChat refused it (also a replay). */
  async answer(staff: Principal, refundId: string) {
    const refund = await this.refunds.findOneByOrFail({ id: refundId, allianceId: staff.allianceId });
    if (refund.status === 'failed')
      throw new DomainError('WECHAT_REFUND_REJECTED', 409, '微信支付拒绝了这笔退款');
    const { id, outRefundNo, amountFen, status } = refund;
    return {
      ...toOrderDto(await this.orders.findOneByOrFail({ id: refund.orderId })),
      refund: { id, outRefundNo, amountFen, status },
    };
  }

  /**
   * The outbox sender of REFUND_TOPIC: asks WeChat to refund (again, after a crash or an unknown
   * answer — the same out_refund_no is one refund there). A refusal un-reserves the amount.
   */
  private async submit(outRefundNo: string): Promise<OutboxOutcome> {
    const refund = await this.refunds.findOneBy({ outRefundNo });
    if (!refund || refund.status !== 'processing') return 'done';
    const order = await this.orders.findOneByOrFail({ id: refund.orderId });
    const outcome = await this.pay.refund({
      outTradeNo: order.outTradeNo,
      outRefundNo,
      refundFen: refund.amountFen,
      totalFen: order.payableFen,
      notifyUrl: this.config.publicUrl + NOTIFY_PATH,
    });
    if (outcome === 'unknown') return { retry: 'WeChat Pay gave no answer to the refund' };
    if (outcome === 'rejected') await this.markFailed(refund);
    // 'accepted': the refund notification (or a later query) settles it.
    return 'done';
  }

  /** processing → failed, once, giving the reserved amount back to the order. */
  private async markFailed(refund: Refund): Promise<void> {
    await this.tx.run(async (em) => {
      const failed = await em.update(Refund, { id: refund.id, status: 'processing' }, { status: 'failed' });
      if (failed.affected === 1) {
        await em
          .createQueryBuilder()
          .update(Order)
          .set({ refundRequestedFen: () => `refund_requested_fen - ${Number(refund.amountFen)}` })
          .where('id = :id', { id: refund.orderId })
          .execute();
      }
    });
  }

  /**
   * Refunds still processing after a few minutes (the answer timed out, or the notification was lost):
   * WeChat is asked, and what it says is applied exactly as its notification would be.
   */
  async settleProcessing(now = new Date()): Promise<{ applied: number; unknown: number }> {
    const stuck = await this.refunds.find({
      where: { status: 'processing', createdAt: LessThan(new Date(now.getTime() - 5 * 60_000)) },
      take: 200,
    });
    const counts = { applied: 0, unknown: 0 };
    for (const refund of stuck) {
      const remote = await this.pay.queryRefund(refund.outRefundNo);
      if (remote === 'unknown' || remote === null) {
        counts.unknown++;
        continue;
      }
      if ((await this.applyNotice(remote)) === 'applied') counts.applied++;
    }
    return counts;
  }

  /** A REFUND.SUCCESS notification: the effects once (duplicates find the refund already succeeded). */
  async applyNotice(
    notice: WechatRefundNotice,
  ): Promise<'applied' | 'duplicate' | 'unknown_refund' | 'not_success'> {
    const refund = await this.refunds.findOneBy({ outRefundNo: notice.out_refund_no });
    if (!refund) return 'unknown_refund';
    if (notice.refund_status !== 'SUCCESS') {
      await this.markFailed(refund);
      return 'not_success';
    }
    return this.tx.run(async (em) =>
      (await this.applySucceeded(em, refund, new Date())) ? 'applied' : 'duplicate',
    );
  }

  private async applySucceeded(em: EntityManager, refund: Refund, at: Date): Promise<boolean> {
    const done = await em.update(
      Refund,
      { id: refund.id, status: 'processing' },
      { status: 'succeeded', succeededAt: at },
    );
    if (done.affected !== 1) return false;
    // "Full" is decided from the order's total after this refund is added to it.
    const order = await this.lifecycle.addRefunded(em, refund.orderId, refund.amountFen, at);
    const member = await this.members.getIn(em, order.memberId);
    const before = order.refundedFen - refund.amountFen;
    const effects = refundEffects({ ...order, refundedBeforeFen: before }, refund.amountFen);
    const source = <T extends 'refund_clawback' | 'refund_points'>(type: T) => ({
      type,
      id: refund.id,
      merchantId: order.merchantId,
    });
    await this.events.publish(em, new RefundSucceeded(order, refund, before, effects.full, at));

    const clawed = await this.reversals.clawBack(
      em,
      member,
      effects.pointsToClawBack,
      { type: 'order', id: order.id },
      source('refund_clawback'),
      at,
    );
    const returned = await this.reversals.returnSpent(
      em,
      member,
      { type: 'order_points', id: order.id },
      effects.pointsToGiveBack,
      source('refund_points'),
      at,
    );
    if (effects.tierSpendDeltaFen < 0)
      await this.tiers.addSpend(
        em,
        member,
        order.merchantId,
        effects.tierSpendDeltaFen,
        { type: 'refund', id: refund.id },
        at,
      );

    const couponReturned =
      effects.returnCoupon && (await this.couponUsage.restoreAfterRefund(em, order.couponId!, order.id, at));
    if (effects.full && (await this.wasOnlyPurchase(em, member, order)))
      await this.referrals.revokeReward(em, member, at);

    await em.update(
      Refund,
      { id: refund.id },
      { pointsClawedBack: clawed, pointsReturned: returned, couponReturned },
    );
    await this.lifecycle.markRefunded(em, order, effects.full, at);
    return true;
  }

  /** Whether the member bought nothing else: no other paid order, no counter purchase. */
  private async wasOnlyPurchase(em: EntityManager, member: Member, order: Order): Promise<boolean> {
    const otherOrders = await em.countBy(Order, {
      memberId: member.id,
      id: Not(order.id),
      status: In(['paid', 'partially_refunded']),
    });
    const counterPurchases = await this.counter.countPurchases(em, member.id);
    return otherOrders + counterPurchases === 0;
  }
}
