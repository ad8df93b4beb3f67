/** How long an order waits for its payment: the prepay's time_expire; then the stale-order job closes it. */
export const PAY_WINDOW_MS = 15 * 60 * 1000;

/** Where WeChat Pay posts payment and refund notifications. */
export const NOTIFY_PATH = '/api/v1/payments/wechat/notify';
