import { Injectable } from '@nestjs/common';
import {
  CounterPurchaseRecorded,
  CounterPurchaseVoided,
  MemberJoined,
  OrderPaid,
  RefundSucceeded,
  TierChanged,
} from '../events/domain-events';
import { AfterCommit } from '../events/event-bus';
import { DailyStatsService } from './daily-stats';

/**
 * How reports/ keeps its daily stats current: every event that changes a member's purchases, spend,
 * join or tier recomputes that member's share of the stats after the event's transaction committed
 * (statistics may lag: docs/architecture.md), in a transaction of its own (DailyStatsService.refresh).
 * Never after a rollback, once per committed event; recomputing makes a repeated one harmless.
 */
@Injectable()
export class ReportsListeners {
  constructor(private readonly stats: DailyStatsService) {}

  @AfterCommit(MemberJoined)
  async joined({ member }: MemberJoined): Promise<void> {
    await this.stats.refresh(member.allianceId, member.id);
  }

  @AfterCommit(OrderPaid)
  async orderPaid({ order }: OrderPaid): Promise<void> {
    await this.stats.refresh(order.allianceId, order.memberId);
  }

  /** Partial or full: the order's spend is lower by the refund (its refunded total is already updated). */
  @AfterCommit(RefundSucceeded)
  async refunded({ order }: RefundSucceeded): Promise<void> {
    await this.stats.refresh(order.allianceId, order.memberId);
  }

  @AfterCommit(CounterPurchaseRecorded)
  async counterPurchase({ redemption }: CounterPurchaseRecorded): Promise<void> {
    await this.stats.refresh(redemption.allianceId, redemption.memberId);
  }

  @AfterCommit(CounterPurchaseVoided)
  async counterVoid({ redemption }: CounterPurchaseVoided): Promise<void> {
    await this.stats.refresh(redemption.allianceId, redemption.memberId);
  }

  @AfterCommit(TierChanged)
  async tierChanged({ member }: TierChanged): Promise<void> {
    await this.stats.refresh(member.allianceId, member.id);
  }
}
