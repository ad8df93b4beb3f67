import type { CouponRow, CouponSource } from '../coupons/coupon.entity';
import type { Redemption } from '../counter/redemption.entity';
import type { Member, TierChangeReason } from '../members/member.entity';
import type { Order, Refund } from '../orders/order.entities';
import type { PointsTransaction } from '../points/points.entities';

/**
 * What happened in the domain, published with EventBus.publish inside the transaction that made it
 * happen. Payloads are the rows as the emitter saw them at that moment. docs/architecture.md lists
 * every event with its emitter and its listeners.
 */

/** A member row was created (once per member, however many joins race). */
export class MemberJoined {
  constructor(
    readonly member: Member,
    readonly at: Date,
  ) {}
}

/**
 * A member's profile changed (PATCH /me, a bound phone): the row after the change. Benefits give the
 * birthday gift of a birthday set today and the points of completed tasks.
 */
export class ProfileChanged {
  constructor(
    readonly member: Member,
    readonly at: Date,
  ) {}
}

/** The member's first purchase in the alliance (a counter purchase or a paid order), decided once. */
export class FirstPurchase {
  constructor(
    readonly member: Member,
    readonly at: Date,
  ) {}
}

/** A purchase of the member was recorded: a counter purchase or a paid order, with what was paid. */
export class PurchaseMade {
  constructor(
    readonly member: Member,
    readonly purchase: {
      merchantId: string;
      paidFen: number;
      sourceType: 'order' | 'redemption';
      sourceId: string;
    },
    readonly at: Date,
  ) {}
}

/** A coupon came into a member's wallet: claimed, or issued as a join gift, reward or mall exchange. */
export class CouponClaimed {
  constructor(
    readonly coupon: CouponRow,
    readonly source: CouponSource,
  ) {}
}

/** A coupon was used: on a paid order or at the counter. */
export class CouponUsed {
  constructor(
    readonly coupon: { id: string; allianceId: string; memberId: string },
    readonly merchantId: string,
    readonly usedFor: { orderId: string } | { redemptionId: string },
    readonly at: Date,
  ) {}
}

/** An order went pending → paid (by WeChat Pay, or at once when nothing was left to pay). */
export class OrderPaid {
  constructor(
    readonly order: Order,
    readonly at: Date,
  ) {}
}

/** An unpaid order went pending → closed (cancelled, stale, or its prepay failed). */
export class OrderClosed {
  constructor(
    readonly order: Order,
    readonly at: Date,
  ) {}
}

/** An order is now wholly refunded (the refund that completed it succeeded). */
export class OrderRefunded {
  constructor(
    readonly order: Order,
    readonly at: Date,
  ) {}
}

/** A refund, full or partial, succeeded at WeChat (or at once for a nothing-to-pay order). */
export class RefundSucceeded {
  constructor(
    readonly order: Order,
    readonly refund: Refund,
    /** what had been refunded of the order before this refund, in fen */
    readonly refundedBeforeFen: number,
    /** this refund completes the order's refund */
    readonly full: boolean,
    readonly at: Date,
  ) {}
}

/** A points transaction was posted to the ledger; `memberPoints` is what it moved on the member. */
export class PointsPosted {
  constructor(
    readonly transaction: PointsTransaction,
    readonly memberPoints: number,
  ) {}
}

export type DomainEvent =
  | MemberJoined
  | FirstPurchase
  | PurchaseMade
  | CouponClaimed
  | CouponUsed
  | OrderPaid
  | OrderClosed
  | OrderRefunded
  | RefundSucceeded
  | PointsPosted
  | RewardGranted
  | TierChanged
  | CounterPurchaseRecorded
  | CounterPurchaseVoided;

/** A referrer's reward for a friend's first purchase was granted: a coupon (its title), points, or both. */
export class RewardGranted {
  constructor(
    readonly referrer: Member,
    readonly friendId: string,
    readonly reward: { couponId: string | null; couponTitle: string | null; points: number },
    readonly at: Date,
  ) {}
}

/** members.tier_code moved (recorded in member_tier_changes): by a purchase, a refund, the review or a grant. */
export class TierChanged {
  constructor(
    readonly member: { id: string; allianceId: string },
    readonly from: string,
    readonly to: string,
    readonly reason: TierChangeReason,
    readonly changeId: string,
    readonly at: Date,
  ) {}
}

/** A clerk recorded a counter purchase (a redemption: an amount, a coupon used, or both). */
export class CounterPurchaseRecorded {
  constructor(
    readonly redemption: Redemption,
    readonly at: Date,
  ) {}
}

/** A counter record was voided (marked once by a guarded update): it is no purchase any more. */
export class CounterPurchaseVoided {
  constructor(
    readonly redemption: Redemption,
    readonly at: Date,
  ) {}
}
