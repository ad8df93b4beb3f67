import { Injectable } from '@nestjs/common';
import type { CounterRecord, CounterRecordList, StaffMe } from '@allycard/contracts';
import {
  businessDate,
  businessDayRange,
  counterPaidFen,
  counterVoidDeadline,
  maskCardNumber,
} from '@allycard/domain';
import { Between } from 'typeorm';
import { Principal } from '../common/auth';
import { TransactionRunner } from '../common/transactions';
import { CouponsService } from '../coupons/coupons.service';
import { MembersService } from '../members/members.service';
import { MerchantsService } from '../merchants/merchants.service';
import { StaffService } from '../staff/staff.service';
import { Redemption } from './redemption.entity';

/** A busy counter records a few hundred a day; the list stops here. */
const RECORDS_LISTED = 500;

/** What the staff pages show: who is signed in where, and today's counter records of the merchant. */
@Injectable()
export class CounterRecordsService {
  constructor(
    private readonly tx: TransactionRunner,
    private readonly members: MembersService,
    private readonly coupons: CouponsService,
    private readonly merchants: MerchantsService,
    private readonly staff: StaffService,
  ) {}

  async me(who: Principal): Promise<StaffMe> {
    const [names, merchant] = await Promise.all([
      this.staff.usernames(who.allianceId, [who.id]),
      this.merchants.get(who.allianceId, who.merchantId!),
    ]);
    return {
      id: who.id,
      username: names.get(who.id) ?? '',
      role: who.role as StaffMe['role'],
      merchantId: merchant.id,
      merchantName: merchant.name,
    };
  }

  /** The merchant's counter records of today (Asia/Shanghai), newest first. */
  async today(who: Principal, now = new Date()): Promise<CounterRecordList> {
    const day = businessDayRange(now);
    const rows = await this.tx.dataSource.manager.find(Redemption, {
      where: {
        allianceId: who.allianceId,
        merchantId: who.merchantId!,
        createdAt: Between(day.from, new Date(day.to.getTime() - 1)),
      },
      order: { id: 'DESC' },
      take: RECORDS_LISTED,
    });
    return { businessDate: businessDate(now), items: await this.describe(who, rows, now) };
  }

  /** One record as the list shows it (the answer of a void). */
  async one(who: Principal, row: Redemption, now = new Date()): Promise<CounterRecord> {
    return (await this.describe(who, [row], now))[0];
  }

  private async describe(who: Principal, rows: Redemption[], now: Date): Promise<CounterRecord[]> {
    if (!rows.length) return [];
    const members = new Map(
      (await this.members.findManyInAlliance(who.allianceId, [...new Set(rows.map((r) => r.memberId))])).map(
        (m) => [m.id, m],
      ),
    );
    const staffIds = rows.flatMap((r) => (r.voidedByStaffId ? [r.staffId, r.voidedByStaffId] : [r.staffId]));
    const usernames = await this.staff.usernames(who.allianceId, [...new Set(staffIds)]);
    const titles = new Map<string, string>();
    for (const id of new Set(rows.flatMap((r) => r.couponId ?? r.returnedCouponId ?? []))) {
      const coupon = await this.coupons.get(who.allianceId, id);
      if (coupon) titles.set(id, coupon.view.template.title);
    }
    const role = who.role as 'clerk' | 'merchant_admin';
    return rows.map((r) => {
      const couponId = r.couponId ?? r.returnedCouponId;
      const deadline = counterVoidDeadline(role, r.createdAt);
      return {
        id: r.id,
        createdAt: r.createdAt.toISOString(),
        memberId: r.memberId,
        cardNoMasked: maskCardNumber(members.get(r.memberId)?.cardNo ?? ''),
        amountFen: r.amountFen,
        couponDiscountFen: r.couponDiscountFen,
        memberDayDiscountFen: r.memberDayDiscountFen,
        payableFen: counterPaidFen(r),
        coupon: couponId ? { id: couponId, title: titles.get(couponId) ?? '优惠券' } : null,
        pointsEarned: r.pointsEarned,
        firstPurchase: r.firstPurchase,
        staffUsername: usernames.get(r.staffId) ?? null,
        voided: r.voidedAt
          ? {
              at: r.voidedAt.toISOString(),
              reason: r.voidReason ?? '',
              byUsername: r.voidedByStaffId ? (usernames.get(r.voidedByStaffId) ?? null) : null,
              pointsReversed: r.pointsReversed,
              couponReturned: r.returnedCouponId !== null,
            }
          : null,
        voidableUntil: !r.voidedAt && now < deadline ? deadline.toISOString() : null,
      };
    });
  }
}
