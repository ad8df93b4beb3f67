import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import {
  compactBusinessDate,
  parseInstant,
  pointsEarned,
  priceOrder,
  PriceBreakdown,
} from '@allycard/domain';
import { EntityManager, LessThan, Repository } from 'typeorm';
import { AlliancesService } from '../alliances/alliances.service';
import { Principal } from '../common/auth';
import { APP_CONFIG, AppConfig } from '../common/config';
import { randomDigits } from '../common/crypto';
import { DomainError, notFound } from '../common/errors';
import { rememberResult } from '../common/idempotency';
import { TransactionRunner } from '../common/transactions';
import { CouponRow } from '../coupons/coupon.entity';
import { CouponsService } from '../coupons/coupons.service';
import { Member } from '../members/member.entity';
import { MembersService } from '../members/members.service';
import { MerchantsService } from '../merchants/merchants.service';
import { CouponUsed, OrderClosed, OrderPaid } from '../events/domain-events';
import { EventBus } from '../events/event-bus';
import { LedgerService } from '../points/ledger.service';
import { PointsTransaction } from '../points/points.entities';
import { PurchasesService } from '../points/purchases.service';
import { OutboxDispatcher } from '../outbox/outbox.dispatcher';
import { OutboxService } from '../outbox/outbox.service';
import { JsapiPayParams, WechatPayClient, WechatTransaction } from '../wechat/wechat-pay.client';
import { Order } from './order.entities';
import { CLOSE_ORDER_TOPIC } from './wechat-topics';

export const PAY_WINDOW_MS = 15 * 60 * 1000;

export const NOTIFY_PATH = '/api/v1/payments/wechat/notify';

export interface OrderInput {
  merchantId: string;
  amountFen: number;
  couponId?: string;
  points?: number;
}

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

/**
 * Paying a merchant (买单). Prices are computed here from the server's own data — never taken from the
 * client — with the same function the phone previews with. Creating an order locks the coupon and
 * spends the points in one transaction; the verified payment notification then applies every other
 * effect once; an order left unpaid is closed and gives both back.
 */
@Injectable()
export class OrdersService {
  private readonly logger = new Logger(OrdersService.name);

  constructor(
    @InjectRepository(Order) private readonly orders: Repository<Order>,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly members: MembersService,
    private readonly merchants: MerchantsService,
    private readonly coupons: CouponsService,
    private readonly alliances: AlliancesService,
    private readonly ledger: LedgerService,
    private readonly purchases: PurchasesService,
    private readonly pay: WechatPayClient,
    private readonly tx: TransactionRunner,
    private readonly outbox: OutboxService,
    private readonly dispatcher: OutboxDispatcher,
    private readonly events: EventBus,
  ) {}

  /**
   * The cash part of a points + cash mall exchange, created inside the mall's transaction: a plain
   * order at the item's merchant, no tier discount, coupon or points of its own.
   */
  async createForMall(
    em: EntityManager,
    member: Member,
    merchantId: string,
    cashFen: number,
    mallOrderId: string,
    at: Date,
  ): Promise<Order> {
    return em.save(
      em.create(Order, {
        allianceId: member.allianceId,
        memberId: member.id,
        merchantId,
        outTradeNo: `AC${compactBusinessDate(at)}${randomDigits(12)}`,
        status: 'pending',
        amountFen: cashFen,
        tierDiscountFen: 0,
        couponId: null,
        couponDiscountFen: 0,
        pointsUsed: 0,
        pointsDiscountFen: 0,
        payableFen: cashFen,
        pointsEarned: 0,
        refundRequestedFen: 0,
        refundedFen: 0,
        transactionId: null,
        mallOrderId,
        payParams: null,
        flag: null,
        paidAt: null,
        closedAt: null,
        createdAt: at,
        updatedAt: at,
      }),
    );
  }

  /** JSAPI prepay for a pending order; when it fails the order is closed and its effects given back. */
  async prepay(order: Order, description: string): Promise<JsapiPayParams> {
    const member = await this.members.findInAlliance(order.allianceId, order.memberId);
    try {
      const payParams = await this.pay.jsapi({
        outTradeNo: order.outTradeNo,
        description: description.slice(0, 127),
        totalFen: order.payableFen,
        openid: member!.openid,
        notifyUrl: this.config.publicUrl + NOTIFY_PATH,
        expiresAt: new Date(order.createdAt.getTime() + PAY_WINDOW_MS),
      });
      await this.tx.run((em) => em.update(Order, { id: order.id }, { payParams: JSON.stringify(payParams) }));
      return payParams;
    } catch (error) {
      await this.closeLocally(order, new Date());
      throw error;
    }
  }

  /** The price breakdown, nothing stored. */
  async preview(who: Principal, input: OrderInput) {
    const member = await this.members.get(who);
    const { price } = await this.price(member, input);
    const tiers = await this.alliances.tiers(who.allianceId);
    const multiplier = tiers.find((t) => t.code === member.tierCode)?.pointsMultiplierPermille ?? 1000;
    const policy = await this.ledger.policy(who.allianceId);
    return {
      merchantId: input.merchantId,
      status: 'preview' as const,
      ...price,
      couponId: input.couponId ?? null,
      pointsEarned: pointsEarned(price.payableFen, policy, multiplier),
      pointsBalance: member.points,
      pointValueFen: policy.pointValueFen,
    };
  }

  private async price(
    member: Member,
    input: OrderInput,
  ): Promise<{ price: PriceBreakdown; coupon: CouponRow | null }> {
    await this.merchants.get(member.allianceId, input.merchantId);
    const tiers = await this.alliances.tiers(member.allianceId);
    const tier = tiers.find((t) => t.code === member.tierCode);
    const policy = await this.ledger.policy(member.allianceId);
    let couponTerms = null;
    let couponRow: CouponRow | null = null;
    if (input.couponId) {
      const found = await this.coupons.get(member.allianceId, input.couponId);
      if (!found || found.row.memberId !== member.id) throw notFound('优惠券');
      couponRow = found.row;
      couponTerms = {
        ...found.view.template,
        merchantIds: found.view.merchantIds,
        status: found.row.status,
        validFrom: found.row.validFrom,
        validUntil: found.row.validUntil,
      };
    }
    const result = priceOrder({
      amountFen: input.amountFen,
      tierDiscountPermille: tier?.discountPermille ?? 1000,
      coupon: couponTerms,
      merchantId: input.merchantId,
      hasPurchased: member.firstPurchaseAt !== null,
      pointsRequested: input.points ?? 0,
      pointsBalance: member.points,
      pointValueFen: policy.pointValueFen,
      now: new Date(),
    });
    if (!result.ok) throw new DomainError(result.refusal.code, result.refusal.status, result.refusal.message);
    return { price: result.price, coupon: couponRow };
  }

  async create(
    who: Principal,
    input: OrderInput,
  ): Promise<{ order: ReturnType<typeof toOrderDto>; payParams: JsapiPayParams | null }> {
    const member = await this.members.get(who);
    const merchant = await this.merchants.get(who.allianceId, input.merchantId);
    const { price, coupon } = await this.price(member, input);
    const now = new Date();
    const outTradeNo = `AC${compactBusinessDate(now)}${randomDigits(12)}`;

    const order = await this.tx.run(async (em) => {
      const saved = await em.save(
        em.create(Order, {
          allianceId: who.allianceId,
          memberId: member.id,
          merchantId: merchant.id,
          outTradeNo,
          status: 'pending',
          ...price,
          couponId: coupon?.id ?? null,
          pointsEarned: 0,
          refundRequestedFen: 0,
          refundedFen: 0,
          transactionId: null,
          mallOrderId: null,
          payParams: null,
          flag: null,
          paidAt: null,
          closedAt: null,
          createdAt: now,
          updatedAt: now,
        }),
      );
      if (coupon) {
        const locked = await em
          .createQueryBuilder()
          .update(CouponRow)
          .set({ status: 'locked', orderId: saved.id, updatedAt: now })
          .where("id = :id AND member_id = :member AND status = 'available' AND valid_until > :now", {
            id: coupon.id,
            member: member.id,
            now,
          })
          .execute();
        if (locked.affected !== 1) throw new DomainError('COUPON_NOT_AVAILABLE', 409, '该券已被使用或不可用');
      }
      if (price.pointsUsed > 0) {
        await this.ledger.spend(
          em,
          member,
          price.pointsUsed,
          { accountKind: 'merchant_redemption', ownerId: merchant.id },
          { type: 'order_points', id: saved.id, merchantId: merchant.id },
          now,
        );
      }
      // Nothing left to pay (coupon and points cover it): paid now, without WeChat Pay.
      if (price.payableFen === 0) await this.markPaid(em, saved, { transactionId: null, at: now });
      await rememberResult(em, 'order', saved.id);
      return saved;
    });
    if (order.payableFen === 0)
      return { order: toOrderDto(await this.orders.findOneByOrFail({ id: order.id })), payParams: null };

    // No prepay, no payment: prepay closes the order (coupon and points back) when it fails.
    const payParams = await this.prepay(order, `${merchant.name} 会员买单`);
    return { order: toOrderDto(order), payParams };
  }

  async get(who: Principal, id: string) {
    const order = /^\d{1,19}$/.test(id)
      ? await this.orders.findOneBy({ id, allianceId: who.allianceId, memberId: who.id })
      : null;
    if (!order) throw notFound('订单');
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

  /**
   * The member gives up a pending order (cancelled the payment and wants to change it): WeChat is asked
   * first — a payment that went through is applied, not cancelled — then the order is closed, the
   * coupon and points come back at once instead of after the 15-minute window, and WeChat is told.
   */
  async cancel(who: Principal, id: string) {
    const order = /^\d{1,19}$/.test(id)
      ? await this.orders.findOneBy({ id, allianceId: who.allianceId, memberId: who.id })
      : null;
    if (!order) throw notFound('订单');
    if (order.status !== 'pending') throw new DomainError('ORDER_NOT_PENDING', 409, '订单已支付或已关闭');
    if (order.payParams) {
      const remote = await this.pay.query(order.outTradeNo);
      if (remote === 'unknown')
        throw new DomainError('WECHAT_UNAVAILABLE', 503, '暂时无法确认支付状态，请稍后再试');
      if (remote && (remote.trade_state === 'SUCCESS' || remote.trade_state === 'REFUND'))
        await this.applyPayment({ ...remote, trade_state: 'SUCCESS' });
    }
    const now = new Date();
    if (await this.closeLocally(order, now))
      await this.dispatcher.sendNow(CLOSE_ORDER_TOPIC, order.outTradeNo, now);
    return this.get(who, id);
  }

  /**
   * A payment WeChat confirmed (notification or query). Amount and merchant are checked against the
   * order; a mismatch is flagged for a person and not paid. Duplicates change nothing.
   */
  async applyPayment(
    transaction: WechatTransaction,
  ): Promise<'paid' | 'duplicate' | 'unknown_order' | 'amount_mismatch' | 'not_success'> {
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
      if (await this.markPaid(em, order, { transactionId: transaction.transaction_id ?? null, at }))
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

  /** pending → paid, once (guarded); then the coupon is used and the purchase takes effect. */
  private async markPaid(
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
    if (order.couponId) {
      const used = await em.update(
        CouponRow,
        { id: order.couponId, status: 'locked', orderId: order.id },
        { status: 'used', usedAt: payment.at, usedMerchantId: order.merchantId, updatedAt: payment.at },
      );
      if (used.affected === 1)
        await this.events.publish(
          em,
          new CouponUsed(
            { id: order.couponId, allianceId: order.allianceId, memberId: order.memberId },
            order.merchantId,
            { orderId: order.id },
            payment.at,
          ),
        );
    }
    const member = await em.findOneByOrFail(Member, { id: order.memberId });
    const effects = await this.purchases.record(
      em,
      member,
      { merchantId: order.merchantId, paidFen: order.payableFen, sourceType: 'order', sourceId: order.id },
      payment.at,
    );
    const firstOrderConflict =
      order.couponId && !effects.firstPurchase && (await this.usedFirstOrderCoupon(em, order));
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

  private async usedFirstOrderCoupon(em: EntityManager, order: Order): Promise<boolean> {
    const found = order.couponId ? await this.coupons.get(order.allianceId, order.couponId) : null;
    return !!found?.view.template.firstOrderOnly;
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
      const remote = await this.pay.query(order.outTradeNo);
      if (remote === 'unknown') {
        counts.unknown++;
        continue;
      }
      if (remote && (remote.trade_state === 'SUCCESS' || remote.trade_state === 'REFUND')) {
        if ((await this.applyPayment({ ...remote, trade_state: 'SUCCESS' })) === 'paid') counts.paid++;
        continue;
      }
      if (await this.closeLocally(order, now)) {
        counts.closed++;
        await this.dispatcher.sendNow(CLOSE_ORDER_TOPIC, order.outTradeNo, now);
      }
    }
    return counts;
  }

  /**
   * pending → closed, once; the locked coupon and the spent points go back to the member, and an
   * outbox message closes it at WeChat (whose prepay may exist even when ours failed).
   */
  async closeLocally(order: Order, at: Date): Promise<boolean> {
    return this.tx.run(async (em) => {
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
      if (order.couponId) {
        await em.update(
          CouponRow,
          { id: order.couponId, status: 'locked', orderId: order.id },
          { status: 'available', orderId: null, updatedAt: at },
        );
      }
      if (order.pointsUsed > 0) {
        const member = await em.findOneByOrFail(Member, { id: order.memberId });
        const spend = await em.findOneByOrFail(PointsTransaction, {
          allianceId: order.allianceId,
          sourceType: 'order_points',
          sourceId: order.id,
        });
        await this.ledger.returnSpent(
          em,
          member,
          { transactionId: spend.id, accountKind: 'merchant_redemption', ownerId: order.merchantId },
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
    });
  }
}
