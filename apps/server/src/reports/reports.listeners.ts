import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import {
  CounterPurchaseRecorded,
  CounterPurchaseVoided,
  MemberJoined,
  OrderPaid,
  RefundSucceeded,
  TierChanged,
} from '../events/domain-events';
import { InTransaction } from '../events/event-bus';
import { DailyStatsService } from './daily-stats';

/**
 * How reports/ keeps its daily stats current: every event that changes a member's purchases, spend,
 * join or tier recomputes that member's share of the stats in the emitting transaction (so they commit
 * or roll back with it; recomputing makes a redelivered or retried event harmless).
 */
@Injectable()
export class ReportsListeners {
  constructor(private readonly stats: DailyStatsService) {}

  @InTransaction(MemberJoined)
  async joined({ member }: MemberJoined, em: EntityManager): Promise<void> {
    await this.stats.refreshMember(em, member.allianceId, member.id);
  }

  @InTransaction(OrderPaid)
  async orderPaid({ order }: OrderPaid, em: EntityManager): Promise<void> {
    await this.stats.refreshMember(em, order.allianceId, order.memberId);
  }

  /** Partial or full: the order's spend is lower by the refund (its refunded total is already updated). */
  @InTransaction(RefundSucceeded)
  async refunded({ order }: RefundSucceeded, em: EntityManager): Promise<void> {
    await this.stats.refreshMember(em, order.allianceId, order.memberId);
  }

  @InTransaction(CounterPurchaseRecorded)
  async counterPurchase({ redemption }: CounterPurchaseRecorded, em: EntityManager): Promise<void> {
    await this.stats.refreshMember(em, redemption.allianceId, redemption.memberId);
  }

  @InTransaction(CounterPurchaseVoided)
  async counterVoid({ redemption }: CounterPurchaseVoided, em: EntityManager): Promise<void> {
    await this.stats.refreshMember(em, redemption.allianceId, redemption.memberId);
  }

  @InTransaction(TierChanged)
  async tierChanged({ member }: TierChanged, em: EntityManager): Promise<void> {
    await this.stats.refreshMember(em, member.allianceId, member.id);
  }
}
