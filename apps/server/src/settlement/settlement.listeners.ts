import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { OrderPaid, RefundSucceeded } from '../events/domain-events';
import { InTransaction } from '../events/event-bus';
import { SettlementEntriesService } from './settlement-entries.service';

/** How settlement/ reacts: entries in the business event's own transaction, dated when it happened. */
@Injectable()
export class SettlementListeners {
  constructor(private readonly entries: SettlementEntriesService) {}

  /** The coupon subsidy and tier-discount entries of a paid order, dated at the payment. */
  @InTransaction(OrderPaid)
  async postPaidOrder({ order, at }: OrderPaid, em: EntityManager): Promise<void> {
    await this.entries.postPaidOrder(em, order, at);
  }

  /** A refund's reversals, dated at the refund, even when the coupon cannot come back. */
  @InTransaction(RefundSucceeded)
  async reverseForRefund(
    { order, refund, refundedBeforeFen, full, at }: RefundSucceeded,
    em: EntityManager,
  ): Promise<void> {
    await this.entries.reverseForRefund(em, order, refund, { refundedBeforeFen, full }, at);
  }
}
