import { Logger } from '@nestjs/common';
import { validationFailed } from '../common/errors';
import {
  checkEnvelope,
  checkObject,
  checkRefundNotice,
  checkTransaction,
  Checked,
  MAX_CLOCK_SKEW_S,
  WechatRefundNotice,
  WechatTransaction,
} from './notification-resources';
import { UndecryptableResource, WechatPayKeys } from './wechat-pay-keys';

export type VerifiedNotification =
  | { id: string; eventType: 'TRANSACTION.SUCCESS'; transaction: WechatTransaction }
  | {
      id: string;
      eventType: 'REFUND.SUCCESS' | 'REFUND.ABNORMAL' | 'REFUND.CLOSED';
      refund: WechatRefundNotice;
    }
  | { id: string; eventType: string; other: unknown };

/** Not from WeChat Pay (or not any more): answered 401, nothing changes. */
export class NotificationRejected extends Error {}

const logger = new Logger('WechatPayNotifications');

/**
 * A payment notification, verified over the raw body with the key `Wechatpay-Serial` names (stale or
 * future timestamps refused) and its resource decrypted with the tag checked — wechatpay-node-v3's own
 * decipher_gcm never calls final(), so a tampered ciphertext would pass there. Anything not genuine
 * throws NotificationRejected; genuine content of the wrong shape is a 400 (WeChat retries it).
 */
export async function readNotification(
  keys: WechatPayKeys,
  headers: Record<string, string | string[] | undefined>,
  rawBody: Buffer | undefined,
): Promise<VerifiedNotification> {
  const h = (name: string) => {
    const v = headers[name];
    return Array.isArray(v) ? v[0] : v;
  };
  const timestamp = h('wechatpay-timestamp');
  const nonce = h('wechatpay-nonce');
  const signature = h('wechatpay-signature');
  const serial = h('wechatpay-serial');
  if (!timestamp || !nonce || !signature || !serial || !rawBody?.length)
    throw new NotificationRejected('missing signature headers or body');
  if (!/^\d{1,12}$/.test(timestamp) || Math.abs(Date.now() / 1000 - Number(timestamp)) > MAX_CLOCK_SKEW_S) {
    throw new NotificationRejected('timestamp outside the 5-minute window');
  }
  const body = rawBody.toString('utf8');
  if (!(await keys.isGenuine(serial, timestamp, nonce, body, signature)))
    throw new NotificationRejected(`bad signature or unknown serial ${serial}`);

  // Genuine from here on: what is wrong now is the content, a 400 that changes nothing.
  const { id, event_type: eventType, resource } = content(checkEnvelope(parseJson(body)));
  let plaintext: unknown;
  try {
    plaintext = parseJson(keys.decrypt(resource.ciphertext, resource.nonce, resource.associated_data ?? ''));
  } catch (error) {
    if (error instanceof UndecryptableResource) throw new NotificationRejected(error.message);
    throw error;
  }
  if (eventType === 'TRANSACTION.SUCCESS')
    return { id, eventType, transaction: content(checkTransaction(plaintext, 'resource')) };
  if (eventType.startsWith('REFUND.'))
    return {
      id,
      eventType: eventType as 'REFUND.SUCCESS',
      refund: content(checkRefundNotice(plaintext, 'resource')),
    };
  return { id, eventType, other: content(checkObject(plaintext, 'resource')) };
}

function content<T>(checked: Checked<T>): T {
  if (checked.ok) return checked.value;
  logger.warn(`notification refused: ${checked.problems.map((p) => `${p.field} ${p.message}`).join('; ')}`);
  throw validationFailed(checked.problems, '通知内容不符合微信支付的格式');
}

/** The parsed JSON, or undefined when the text is not JSON (which the shape checks then report). */
function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
