import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { OrderClosed, OrderPaid, OrderRefunded } from '../events/domain-events';
import { InTransaction } from '../events/event-bus';
import { MallRedemptionService } from './mall-redemption.service';

/** How mall/ reacts to the cash part of a points + cash exchange (an order of orders/). */
@Injectable()
export class MallListeners {
  constructor(private readonly mall: MallRedemptionService) {}

  @InTransaction(OrderPaid)
  async cashPaid({ order }: OrderPaid, em: EntityManager): Promise<void> {
    await this.mall.cashPaid(em, order);
  }

  /** Never paid: the exchange is cancelled and its points, stock and allowance given back. */
  @InTransaction(OrderClosed)
  async cashNeverPaid({ order, at }: OrderClosed, em: EntityManager): Promise<void> {
    await this.mall.cancelUnpaid(em, order, at, 'pending_payment');
  }

  /** Wholly refunded before pickup: the same, once (a fulfilled exchange stays fulfilled). */
  @InTransaction(OrderRefunded)
  async cashRefunded({ order, at }: OrderRefunded, em: EntityManager): Promise<void> {
    await this.mall.cancelUnpaid(em, order, at, 'awaiting_pickup');
  }
}
