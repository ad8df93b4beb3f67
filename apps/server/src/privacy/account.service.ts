import { Injectable } from '@nestjs/common';
import type { AccountClosed, MemberExport, PointsEntry } from '@allycard/contracts';
import type { Principal } from '../common/auth';
import { DomainError } from '../common/errors';
import { TransactionRunner } from '../common/transactions';
import { CouponsService } from '../coupons/coupons.service';
import { CouponUsageService } from '../coupons/coupon-usage.service';
import { SharingService } from '../coupons/sharing.service';
import { AuditLogService } from '../member-database/audit-log.service';
import { MallRedemptionService } from '../mall/mall-redemption.service';
import { MembersService } from '../members/members.service';
import { OrdersService } from '../orders/orders.service';
import { PaymentReconciler } from '../orders/payment-reconciler.service';
import { SubscribeMessagesService } from '../messages/subscribe-messages.service';
import { LedgerReversalsService } from '../points/ledger-reversals.service';
import { PointsService } from '../points/points.service';
import { PolicyService } from './policy.service';

const closedAlready = () => new DomainError('CONFLICT', 409, '账号已注销');
const paidPickupWaiting = (n: number) =>
  new DomainError(
    'PICKUP_PENDING',
    409,
    `你还有 ${n} 件含现金的兑换待取货，请先到店取货或请商户退款后再注销`,
  );

/** PIPL's rights of the member over its own data: GET /me/export and DELETE /me. */
@Injectable()
export class AccountService {
  constructor(
    private readonly members: MembersService,
    private readonly coupons: CouponsService,
    private readonly couponUsage: CouponUsageService,
    private readonly sharing: SharingService,
    private readonly orders: OrdersService,
    private readonly mall: MallRedemptionService,
    private readonly payments: PaymentReconciler,
    private readonly reversals: LedgerReversalsService,
    private readonly points: PointsService,
    private readonly policies: PolicyService,
    private readonly audit: AuditLogService,
    private readonly tx: TransactionRunner,
    private readonly messages: SubscribeMessagesService,
  ) {}

  /** Everything the alliance holds about the member, the phone in full (it is the member's own). */
  async export(who: Principal): Promise<MemberExport> {
    const member = await this.members.get(who);
    const exportedAt = new Date();
    const data: MemberExport = {
      exportedAt: exportedAt.toISOString(),
      member: {
        ...(await this.members.toDto(member)),
        phone: this.members.fullPhone(member),
        joinSource: member.joinSource,
        joinMerchantId: member.joinMerchantId,
        firstPurchaseAt: member.firstPurchaseAt?.toISOString() ?? null,
      },
      coupons: await this.coupons.wallet(who),
      pointsTransactions: await this.allPoints(who),
      // all of them: the export is everything, not the app's latest 100
      orders: await this.orders.listForMember(who, null),
      mallOrders: await this.mall.myOrders(who, null),
      shares: await this.sharing.sent(who),
      consents: await this.policies.consentsOf(member.id),
      messages: await this.messages.exportOf(who.allianceId, member.id),
    };
    await this.audit.record(
      null,
      who,
      {
        action: 'member_self_export',
        memberId: member.id,
        reason: null,
        detail: {
          coupons: data.coupons.length,
          pointsTransactions: data.pointsTransactions.length,
          orders: data.orders.length,
          mallOrders: data.mallOrders.length,
          shares: data.shares.length,
        },
      },
      exportedAt,
    );
    return data;
  }

  /**
   * Closes the account in one transaction, through each owning module: the member row first (erased,
   * and on MySQL locked against a racing claim, order or counter purchase, which hold it open), then
   * pending orders closed (their coupon and points come back), shares taken back, coupons void, the
   * points to breakage lot by lot, and the audit row. WeChat hears of the closed orders after commit.
   */
  async close(who: Principal): Promise<AccountClosed> {
    const member = await this.members.get(who);
    await this.payments.reconcilePendingOf(member);
    // Cash paid for an item still on the shelf is the merchant's to refund: closing would strand it.
    const paidPickups = await this.mall.countPaidPickupsOf(member.id);
    if (paidPickups > 0) throw paidPickupWaiting(paidPickups);
    const at = new Date();
    return this.tx.run(async (em) => {
      if (!(await this.members.closeIn(em, member, at))) throw closedAlready();
      const ordersClosed = await this.payments.closeAllPendingIn(em, member, at);
      const sharesCancelled = await this.sharing.cancelAllFrom(em, member.id);
      const couponsVoided = await this.couponUsage.voidAllOf(em, member, at);
      const pickupsCancelled = await this.mall.cancelPointsPickupsOf(em, member.id, at);
      const pointsForfeited = await this.reversals.forfeitAll(em, member, at);
      const outcome = { couponsVoided, pointsForfeited, ordersClosed, sharesCancelled, pickupsCancelled };
      await this.audit.record(
        em,
        who,
        { action: 'account_closure', memberId: member.id, reason: null, detail: outcome },
        at,
      );
      return { closed: true as const, closedAt: at.toISOString(), ...outcome };
    });
  }

  /** Every page of the member's points history. */
  private async allPoints(who: Principal): Promise<PointsEntry[]> {
    const all: PointsEntry[] = [];
    for (;;) {
      const page = await this.points.history(who, all.at(-1)?.id);
      all.push(...(page as PointsEntry[]));
      if (!page.length) return all;
    }
  }
}
