import {
  createCipheriv,
  createDecipheriv,
  createSign,
  createVerify,
  randomBytes,
  randomInt,
  type KeyObject,
} from 'node:crypto';
import { compactBusinessDateTime, toRfc3339Shanghai } from '@allycard/domain';

/** The one signature scheme of WeChat Pay APIv3: SHA256withRSA, PKCS#1 v1.5 padding. */
export const SIGNATURE_TYPE = 'WECHATPAY2-SHA256-RSA2048';
export const AEAD_ALGORITHM = 'AEAD_AES_256_GCM';
const GCM_TAG_BYTES = 16;
const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** Base64 SHA256withRSA signature of `message` (UTF-8) with an RSA private key. */
export function signMessage(privateKeyPem: string | KeyObject, message: string): string {
  return createSign('RSA-SHA256').update(message, 'utf8').sign(privateKeyPem, 'base64');
}

/** Checks a base64 SHA256withRSA signature; false (never a throw) for anything malformed. */
export function verifyMessage(
  publicKeyPem: string | KeyObject,
  message: string,
  signatureBase64: string,
): boolean {
  try {
    return createVerify('RSA-SHA256').update(message, 'utf8').verify(publicKeyPem, signatureBase64, 'base64');
  } catch {
    return false;
  }
}

/** Random letters and digits, the shape of WeChat's nonces. */
export function randomAlphanumeric(length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += ALPHANUMERIC[randomInt(ALPHANUMERIC.length)];
  return out;
}

/** 32 upper-case hex characters, as WeChat's Wechatpay-Nonce. */
export function randomNonce(): string {
  return randomBytes(16).toString('hex').toUpperCase();
}

/** An encrypted resource as WeChat Pay puts it in notifications and in GET /v3/certificates. */
export interface EncryptedResource {
  algorithm: 'AEAD_AES_256_GCM';
  ciphertext: string;
  associated_data: string;
  nonce: string;
}

function aesKey(apiV3Key: string): Buffer {
  const key = Buffer.from(apiV3Key, 'utf8');
  if (key.length !== 32) throw new Error('The APIv3 key must be 32 bytes');
  return key;
}

/**
 * AEAD_AES_256_GCM under the APIv3 key, as WeChat does it: the key is the 32 ASCII bytes of the
 * APIv3 key, the IV the 12 ASCII bytes of `nonce`, and ciphertext = base64(encrypted ‖ 16-byte tag).
 * An object is encrypted as its JSON; a string as is.
 */
export function encryptResource(
  apiV3Key: string,
  plaintext: object | string,
  associatedData: string,
  nonce: string = randomAlphanumeric(12),
): EncryptedResource {
  const cipher = createCipheriv('aes-256-gcm', aesKey(apiV3Key), Buffer.from(nonce, 'utf8'));
  cipher.setAAD(Buffer.from(associatedData, 'utf8'));
  const text = typeof plaintext === 'string' ? plaintext : JSON.stringify(plaintext);
  const encrypted = Buffer.concat([cipher.update(text, 'utf8'), cipher.final(), cipher.getAuthTag()]);
  return {
    algorithm: AEAD_ALGORITHM,
    ciphertext: encrypted.toString('base64'),
    associated_data: associatedData,
    nonce,
  };
}

/**
 * The inverse of encryptResource, checking the authentication tag: throws when the key, nonce,
 * associated data or ciphertext do not match (wechatpay-node-v3's decipher_gcm skips that check).
 */
export function decryptResource(
  apiV3Key: string,
  resource: Pick<EncryptedResource, 'ciphertext' | 'nonce'> & { associated_data?: string },
): string {
  const data = Buffer.from(resource.ciphertext, 'base64');
  if (data.length < GCM_TAG_BYTES) throw new Error('Ciphertext too short');
  const decipher = createDecipheriv('aes-256-gcm', aesKey(apiV3Key), Buffer.from(resource.nonce, 'utf8'));
  decipher.setAuthTag(data.subarray(data.length - GCM_TAG_BYTES));
  decipher.setAAD(Buffer.from(resource.associated_data ?? '', 'utf8'));
  return Buffer.concat([
    decipher.update(data.subarray(0, data.length - GCM_TAG_BYTES)),
    decipher.final(),
  ]).toString('utf8');
}

/** The message WeChat Pay signs on answers and notifications: `timestamp\nnonce\nbody\n`. */
export function wechatpayMessage(timestamp: string | number, nonce: string, body: string): string {
  return `${timestamp}\n${nonce}\n${body}\n`;
}

export interface WechatpaySignatureInput {
  /** The platform private key. */
  privateKeyPem: string | KeyObject;
  /** Platform certificate serial, or the PUB_KEY_ID_… of the WeChat Pay public key. */
  serial: string;
  /** The exact body string sent. */
  body: string;
  /** Seconds since the epoch; defaults to now. */
  timestamp?: number;
  nonce?: string;
}

/** The Wechatpay-* headers WeChat Pay puts on its answers and notifications. */
export function wechatpaySignatureHeaders(input: WechatpaySignatureInput): Record<string, string> {
  const timestamp = String(input.timestamp ?? Math.floor(Date.now() / 1000));
  const nonce = input.nonce ?? randomNonce();
  return {
    'Wechatpay-Timestamp': timestamp,
    'Wechatpay-Nonce': nonce,
    'Wechatpay-Signature': signMessage(input.privateKeyPem, wechatpayMessage(timestamp, nonce, input.body)),
    'Wechatpay-Serial': input.serial,
    'Wechatpay-Signature-Type': SIGNATURE_TYPE,
  };
}

export type NotificationEventType = 'TRANSACTION.SUCCESS' | 'REFUND.SUCCESS' | (string & {});

/** A WeChat Pay v3 notification body, in WeChat's field order. */
export interface WechatPayNotification {
  id: string;
  create_time: string;
  resource_type: 'encrypt-resource';
  event_type: NotificationEventType;
  summary: string;
  resource: EncryptedResource & { original_type: string };
}

export interface BuildNotificationInput {
  apiV3Key: string;
  eventType: NotificationEventType;
  /** The plaintext resource: the transaction, or the refund notification object. */
  resource: object;
  /** Defaults to an EV-… id. */
  id?: string;
  /** Defaults to now, in WeChat's `yyyy-MM-ddTHH:mm:ss+08:00`. */
  createTime?: string;
  /** Defaults to 支付成功 / 退款成功 / 退款异常 / 退款关闭 by event type. */
  summary?: string;
  /** Defaults to 'transaction' for TRANSACTION.*, 'refund' for REFUND.*. */
  originalType?: string;
  /** Defaults to the original type, as WeChat sends it. */
  associatedData?: string;
  /** The 12-character encryption nonce; random by default. */
  nonce?: string;
}

const SUMMARIES: Record<string, string> = {
  'TRANSACTION.SUCCESS': '支付成功',
  'REFUND.SUCCESS': '退款成功',
  'REFUND.ABNORMAL': '退款异常',
  'REFUND.CLOSED': '退款关闭',
};

let eventSequence = 0;

/** A notification id in WeChat's shape: EV- and digits. */
export function notificationId(now: number = Date.now()): string {
  eventSequence = (eventSequence + 1) % 100_000;
  return `EV-${compactShanghaiTime(now)}${String(eventSequence).padStart(5, '0')}${randomInt(100, 1000)}`;
}

/** Builds (and encrypts) a notification exactly as WeChat Pay would post it. */
export function buildNotification(input: BuildNotificationInput): WechatPayNotification {
  const originalType =
    input.originalType ?? (input.eventType.startsWith('REFUND.') ? 'refund' : 'transaction');
  const encrypted = encryptResource(
    input.apiV3Key,
    input.resource,
    input.associatedData ?? originalType,
    input.nonce ?? randomAlphanumeric(12),
  );
  return {
    id: input.id ?? notificationId(),
    create_time: input.createTime ?? formatWechatTime(Date.now()),
    resource_type: 'encrypt-resource',
    event_type: input.eventType,
    summary: input.summary ?? SUMMARIES[input.eventType] ?? input.eventType,
    resource: {
      original_type: originalType,
      algorithm: encrypted.algorithm,
      ciphertext: encrypted.ciphertext,
      associated_data: encrypted.associated_data,
      nonce: encrypted.nonce,
    },
  };
}

/** WeChat Pay's time format: RFC 3339 in Beijing time, e.g. 2018-06-08T10:34:56+08:00. */
export function formatWechatTime(ms: number): string {
  return toRfc3339Shanghai(new Date(ms));
}

/** yyyyMMddHHmmss in Beijing time, as WeChat puts in its ids. */
export function compactShanghaiTime(ms: number): string {
  return compactBusinessDateTime(new Date(ms));
}
