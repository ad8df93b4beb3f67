import { outboxTopic } from '../outbox/outbox.service';

/** Refunding at WeChat Pay; out_refund_no makes a resend the same refund. */
export const REFUND_TOPIC = outboxTopic<{ outRefundNo: string }>('wechat.refund');

/** Closing an order at WeChat Pay so it can no longer be paid; closing twice is harmless. */
export const CLOSE_ORDER_TOPIC = outboxTopic<{ outTradeNo: string }>('wechat.close-order');
