import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { compactBusinessDate } from '@allycard/domain';
import { EntityManager, Repository } from 'typeorm';
import { Principal } from '../common/auth';
import { APP_CONFIG, AppConfig } from '../common/config';
import { Clock } from '../common/clock';
import { randomDigits } from '../common/crypto';
import { DomainError } from '../common/errors';
import { rememberResult } from '../common/idempotency';
import { TransactionRunner } from '../common/transactions';
import { CouponUsageService } from '../coupons/coupon-usage.service';
import type { Member } from '../members/member.entity';
import { MembersService } from '../members/members.service';
import { LedgerService } from '../points/ledger.service';
import { JsapiPayParams, WechatPayClient } from '../wechat/wechat-pay.client';
import { OrderLifecycleService } from './order-lifecycle.service';
import { OrderInput, OrderPricingService } from './order-pricing.service';
import { Order } from './order.entities';
import { OrdersService, toOrderDto } from './orders.service';
import { NOTIFY_PATH, PAY_WINDOW_MS } from './pay-settings';
import { PaymentReconciler } from './payment-reconciler.service';

/** The fields of a new pending order that no order starts with differently. */
const FRESH = {
  status: 'pending',
  pointsEarned: 0,
  refundRequestedFen: 0,
  refundedFen: 0,
  transactionId: null,
  payParams: null,
  flag: null,
  paidAt: null,
  closedAt: null,
} as const;

/**
 * Paying a merchant (买单): creating an order locks the coupon and spends the points in one
 * transaction, then WeChat Pay's prepay; cancelling gives both back. The verified payment notification
 * then applies every other effect once (OrderLifecycleService); an order left unpaid is closed.
 */
/** A new order as GET /orders/:id shows it (a replay answers with that read): nothing refunded yet. */
const newOrderDto = (order: Order) => ({ ...toOrderDto(order), refundSummary: null });
type NewOrderDto = ReturnType<typeof newOrderDto>;

@Injectable()
export class CheckoutService {
  constructor(
    @InjectRepository(Order) private readonly orders: Repository<Order>,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly members: MembersService,
    private readonly pricing: OrderPricingService,
    private readonly lifecycle: OrderLifecycleService,
    private readonly reconciler: PaymentReconciler,
    private readonly views: OrdersService,
    private readonly ledger: LedgerService,
    private readonly couponUsage: CouponUsageService,
    private readonly pay: WechatPayClient,
    private readonly tx: TransactionRunner,
    private readonly clock: Clock,
  ) {}

  async create(
    who: Principal,
    input: OrderInput,
  ): Promise<{ order: NewOrderDto; payParams: JsapiPayParams | null }> {
    const member = await this.members.get(who);
    const { price, coupon, merchant } = await this.pricing.price(member, input);
    // the injected clock: the order's day decides its member day and promotions (tests move it)
    const now = this.clock.now();
    const outTradeNo = newOutTradeNo(now);

    const order = await this.tx.run(async (em) => {
      await this.members.holdOpen(em, who.allianceId, member.id, now);
      const saved = await em.save(
        em.create(Order, {
          ...FRESH,
          allianceId: who.allianceId,
          memberId: member.id,
          merchantId: merchant.id,
          outTradeNo,
          ...price,
          couponId: coupon?.id ?? null,
          mallOrderId: null,
          createdAt: now,
          updatedAt: now,
        }),
      );
      if (coupon)
        await this.couponUsage.lockForOrder(em, { id: coupon.id, memberId: member.id }, saved.id, now);
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
      if (price.payableFen === 0) await this.lifecycle.markPaid(em, saved, { transactionId: null, at: now });
      await rememberResult(em, 'order', saved.id);
      return saved;
    });
    if (order.payableFen === 0)
      return { order: newOrderDto(await this.orders.findOneByOrFail({ id: order.id })), payParams: null };

    // No prepay, no payment: prepay closes the order (coupon and points back) when it fails.
    const payParams = await this.prepay(order, `${merchant.name} 会员买单`, member);
    return { order: newOrderDto(order), payParams };
  }

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
        ...FRESH,
        allianceId: member.allianceId,
        memberId: member.id,
        merchantId,
        outTradeNo: newOutTradeNo(at),
        amountFen: cashFen,
        tierDiscountFen: 0,
        memberDayDiscountFen: 0,
        couponId: null,
        couponDiscountFen: 0,
        pointsUsed: 0,
        pointsDiscountFen: 0,
        payableFen: cashFen,
        mallOrderId,
        createdAt: at,
        updatedAt: at,
      }),
    );
  }

  /** JSAPI prepay for a pending order; when it fails the order is closed and its effects given back. */
  async prepay(order: Order, description: string, payer: Pick<Member, 'openid'>): Promise<JsapiPayParams> {
    try {
      const payParams = await this.pay.jsapi({
        outTradeNo: order.outTradeNo,
        description: description.slice(0, 127),
        totalFen: order.payableFen,
        openid: payer.openid,
        notifyUrl: this.config.publicUrl + NOTIFY_PATH,
        expiresAt: new Date(order.createdAt.getTime() + PAY_WINDOW_MS),
      });
      await this.tx.single((em) =>
        em.update(Order, { id: order.id }, { payParams: JSON.stringify(payParams) }),
      );
      return payParams;
    } catch (error) {
      await this.lifecycle.close(order, new Date());
      throw error;
    }
  }

  /**
   * The member gives up a pending order (cancelled the payment and wants to change it): WeChat is asked
   * first — a payment that went through is applied, not cancelled — then the order is closed, the
   * coupon and points come back at once instead of after the 15-minute window, and WeChat is told.
   */
  async cancel(who: Principal, id: string) {
    const order = await this.views.findOwn(who, id);
    if (order.status !== 'pending') throw new DomainError('ORDER_NOT_PENDING', 409, '订单已支付或已关闭');
    // Without a prepay WeChat never saw the order: nothing to ask.
    if (order.payParams && (await this.reconciler.reconcile(order)) === 'unknown')
      throw new DomainError('WECHAT_UNAVAILABLE', 503, '暂时无法确认支付状态，请稍后再试');
    await this.reconciler.closeUnpaid(order, new Date());
    return this.views.get(who, id);
  }
}

function newOutTradeNo(at: Date): string {
  return `AC${compactBusinessDate(at)}${randomDigits(12)}`;
}
