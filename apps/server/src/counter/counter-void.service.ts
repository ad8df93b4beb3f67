import { Injectable } from '@nestjs/common';
import { businessDate, counterPaidFen, counterVoidRefusal } from '@allycard/domain';
import { EntityManager, IsNull } from 'typeorm';
import { Principal } from '../common/auth';
import { DomainError, notFound } from '../common/errors';
import { TransactionRunner } from '../common/transactions';
import { CouponUsageService } from '../coupons/coupon-usage.service';
import { CouponsService } from '../coupons/coupons.service';
import { CounterPurchaseVoided } from '../events/domain-events';
import { EventBus } from '../events/event-bus';
import { ReferralService } from '../coupons/referral.service';
import { AuditLogService } from '../member-database/audit-log.service';
import { MembersService } from '../members/members.service';
import { LedgerReversalsService } from '../points/ledger-reversals.service';
import { TiersService } from '../points/tiers.service';
import { SettlementEntriesService } from '../settlement/settlement-entries.service';
import { CounterDailyTotal } from './counter-daily-total.entity';
import { Redemption } from './redemption.entity';
import { isId } from '../common/ids';

const alreadyVoided = () => new DomainError('ALREADY_VOIDED', 409, '这条记录已撤销');

/**
 * Voiding a counter record (a purchase typed wrong, a coupon redeemed by mistake): a clerk of the
 * record's merchant within 30 minutes, its merchant admin within 7 days (packages/domain's
 * counterVoidRefusal). One transaction, in the order a full refund reverses an order: the record is
 * marked voided by a guarded update first (`voided_at IS NULL`: of racing voids exactly one goes on),
 * then the points it earned are clawed back through the ledger (never below a zero balance: a member
 * who spent them keeps the rest, as with refunds), the tier spend is taken off and the tier moved as a
 * refund moves it, the coupon comes back while still valid, the settlement entries are reversed, the
 * member's business-day counter total is lowered, and an audit row says who and why.
 *
 * A first purchase stays made: the member's first purchase time is not reset (a void must not hand out
 * the new-member gifts again), so a first-order coupon it used does not come back (it could never be
 * used again). When the record was the member's only purchase, the referrer's reward for it is
 * withdrawn, as on a full refund of an only order.
 */
@Injectable()
export class CounterVoidService {
  constructor(
    private readonly tx: TransactionRunner,
    private readonly members: MembersService,
    private readonly reversals: LedgerReversalsService,
    private readonly tiers: TiersService,
    private readonly coupons: CouponsService,
    private readonly couponUsage: CouponUsageService,
    private readonly referrals: ReferralService,
    private readonly settlement: SettlementEntriesService,
    private readonly audit: AuditLogService,
    private readonly events: EventBus,
  ) {}

  /** The record at the staff's merchant, or 404 (another merchant's record is never revealed). */
  async find(staff: Principal, id: string, em: EntityManager = this.tx.dataSource.manager) {
    const row = isId(id)
      ? await em.findOneBy(Redemption, { id, allianceId: staff.allianceId, merchantId: staff.merchantId! })
      : null;
    if (!row) throw notFound('记录');
    return row;
  }

  async void(staff: Principal, id: string, reason: string): Promise<Redemption> {
    const record = await this.find(staff, id);
    if (record.voidedAt) throw alreadyVoided();
    const now = new Date();
    const refusal = counterVoidRefusal(staff.role as 'clerk' | 'merchant_admin', record.createdAt, now);
    if (refusal) throw new DomainError(refusal.code, refusal.status, refusal.message);
    const coupon = record.couponId ? await this.coupons.get(staff.allianceId, record.couponId) : null;

    await this.tx.run(async (em) => {
      const marked = await em.update(
        Redemption,
        { id: record.id, voidedAt: IsNull() },
        { voidedAt: now, voidedByStaffId: staff.id, voidReason: reason },
      );
      if (marked.affected !== 1) throw alreadyVoided();
      await this.events.publish(em, new CounterPurchaseVoided({ ...record, voidedAt: now }, now));
      const member = await this.members.getIn(em, record.memberId);
      const source = { type: 'redemption_void' as const, id: record.id, merchantId: record.merchantId };
      const pointsReversed = await this.reversals.clawBack(
        em,
        member,
        record.pointsEarned,
        { type: 'redemption', id: record.id },
        source,
        now,
      );
      const paidFen = counterPaidFen(record);
      if (paidFen > 0) await this.tiers.addSpend(em, member, record.merchantId, -paidFen, source, now);

      const couponBack =
        coupon !== null &&
        !coupon.view.template.firstOrderOnly &&
        (await this.couponUsage.restoreAfterVoid(em, coupon.row.id, record.id, now));
      await this.settlement.reverseForVoid(
        em,
        { id: record.id, allianceId: record.allianceId, payableFen: paidFen },
        now,
      );
      if (record.amountFen > 0) await this.lowerDailyTotal(em, record);
      if (record.firstPurchase && !(await this.boughtOtherwise(em, record)))
        await this.referrals.revokeReward(em, member, now);
      await em.update(
        Redemption,
        { id: record.id },
        couponBack ? { pointsReversed, couponId: null, returnedCouponId: coupon.row.id } : { pointsReversed },
      );
      await this.audit.record(
        em,
        staff,
        {
          action: 'counter_void',
          memberId: record.memberId,
          reason,
          detail: {
            redemptionId: record.id,
            merchantId: record.merchantId,
            amountFen: record.amountFen,
            pointsEarned: record.pointsEarned,
            pointsReversed,
            couponId: record.couponId,
            couponReturned: couponBack,
          },
        },
        now,
      );
    });
    return this.find(staff, id);
  }

  /** The record's amount off the member's total of its business day (never below zero). */
  private async lowerDailyTotal(em: EntityManager, record: Redemption): Promise<void> {
    await em
      .createQueryBuilder()
      .update(CounterDailyTotal)
      .set({ totalFen: () => 'total_fen - :amount' })
      .where('alliance_id = :allianceId AND merchant_id = :merchantId AND member_id = :memberId', record)
      .andWhere('business_date = :day AND total_fen >= :amount', {
        day: businessDate(record.createdAt),
        amount: record.amountFen,
      })
      .execute();
  }

  /**
   * Whether the member has a purchase besides this record: another counter record not voided, or a paid
   * order. Orders are read by a read-only count (the orders module depends on this one, so its service
   * cannot be called here without a cycle).
   */
  private async boughtOtherwise(em: EntityManager, record: Redemption): Promise<boolean> {
    const counter = await em
      .createQueryBuilder(Redemption, 'r')
      .where('r.member_id = :member AND r.id <> :id AND r.voided_at IS NULL', {
        member: record.memberId,
        id: record.id,
      })
      .getCount();
    if (counter > 0) return true;
    const [orders] = (await em.query(
      `SELECT COUNT(*) AS n FROM orders WHERE member_id = ? AND status IN ('paid', 'partially_refunded')`,
      [record.memberId],
    )) as { n: string | number }[];
    return Number(orders.n) > 0;
  }
}
