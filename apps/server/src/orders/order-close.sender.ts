import { Injectable, OnModuleInit } from '@nestjs/common';
import { OutboxDispatcher, OutboxOutcome } from '../outbox/outbox.dispatcher';
import { WechatPayClient } from '../wechat/wechat-pay.client';
import { PaymentReconciler } from './payment-reconciler.service';
import { CLOSE_ORDER_TOPIC } from './wechat-topics';

/** Sends the outbox's order closes to WeChat Pay. */
@Injectable()
export class OrderCloseSender implements OnModuleInit {
  constructor(
    private readonly dispatcher: OutboxDispatcher,
    private readonly pay: WechatPayClient,
    private readonly payments: PaymentReconciler,
  ) {}

  onModuleInit() {
    this.dispatcher.register(CLOSE_ORDER_TOPIC, ({ outTradeNo }) => this.close(outTradeNo));
  }

  /**
   * The order is already closed here. When WeChat says it was paid after all (the payer finished just
   * before the close), the payment is applied, which flags the closed order for a person to refund.
   */
  private async close(outTradeNo: string): Promise<OutboxOutcome> {
    const closed = await this.pay.close(outTradeNo);
    if (closed === 'unknown') return { retry: 'WeChat Pay gave no answer to the close' };
    if (closed === 'paid') {
      const remote = await this.pay.query(outTradeNo);
      if (remote === 'unknown' || remote === null) return { retry: 'WeChat Pay says paid; query failed' };
      await this.payments.applyPayment({ ...remote, trade_state: 'SUCCESS' });
    }
    return 'done';
  }
}
