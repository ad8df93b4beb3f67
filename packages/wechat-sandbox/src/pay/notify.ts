import { buildNotification, formatWechatTime, notificationId, wechatpaySignatureHeaders } from './crypto';
import type { PayCredentials } from './keys';
import type { Delivery, StoredNotification } from './ledger';

const RESPONSE_BODY_LIMIT = 2000;
// WeChat gives the merchant 5 seconds to answer a notification.
export const DEFAULT_DELIVERY_TIMEOUT_MS = 5000;

export interface DeliveryResult {
  delivered: boolean;
  httpStatus: number | null;
  error?: string;
}

/**
 * Builds notifications and posts them the way WeChat Pay does: JSON body, Wechatpay-* signature
 * headers made fresh for each attempt with the current platform mode. One attempt per call; a 2xx
 * answer counts as delivered. Every attempt is recorded.
 */
export class Notifier {
  constructor(
    private readonly credentials: PayCredentials,
    private readonly now: () => number,
    private readonly timeoutMs: number = DEFAULT_DELIVERY_TIMEOUT_MS,
  ) {}

  create(eventType: 'TRANSACTION.SUCCESS' | 'REFUND.SUCCESS', resource: object): StoredNotification {
    const now = this.now();
    const notification = buildNotification({
      apiV3Key: this.credentials.material.apiV3Key,
      eventType,
      resource,
      id: notificationId(now),
      createTime: formatWechatTime(now),
    });
    return { id: notification.id, eventType, body: JSON.stringify(notification) };
  }

  async deliver(
    notification: StoredNotification,
    url: string,
    record: Delivery[],
    outRefundNo?: string,
  ): Promise<DeliveryResult> {
    const at = this.now();
    const headers = wechatpaySignatureHeaders({
      privateKeyPem: this.credentials.platformPrivateKey,
      serial: this.credentials.wechatpaySerial,
      body: notification.body,
      timestamp: Math.floor(at / 1000),
    });
    let result: DeliveryResult;
    let responseBody = '';
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: {
          ...headers,
          'Content-Type': 'application/json',
          Accept: '*/*',
          'User-Agent': 'Mozilla/4.0',
        },
        body: notification.body,
        redirect: 'manual',
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      responseBody = (await response.text()).slice(0, RESPONSE_BODY_LIMIT);
      result = { delivered: response.status >= 200 && response.status < 300, httpStatus: response.status };
    } catch (err) {
      const cause = (err as { cause?: { message?: string } }).cause?.message;
      result = { delivered: false, httpStatus: null, error: cause ?? (err as Error).message };
    }
    record.push({
      eventId: notification.id,
      eventType: notification.eventType,
      ...(outRefundNo !== undefined ? { outRefundNo } : {}),
      at: new Date(at).toISOString(),
      url,
      httpStatus: result.httpStatus,
      delivered: result.delivered,
      responseBody,
      ...(result.error !== undefined ? { error: result.error } : {}),
    });
    return result;
  }
}
