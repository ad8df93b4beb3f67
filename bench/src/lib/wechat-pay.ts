// WeChat Pay as the benchmark needs it: notifications crafted exactly as WeChat Pay sends them, with
// the sandbox's own code (@allycard/wechat-sandbox), and the checks the server makes before any SQL
// (verify the signature, decrypt the resource), done here for the baselines.
import { parseInstant, toRfc3339Shanghai } from '@allycard/domain';
import {
  AEAD_ALGORITHM,
  buildNotification,
  decryptResource,
  MAX_CLOCK_SKEW_SECONDS,
  verifyMessage,
  wechatpayMessage,
  wechatpaySignatureHeaders,
  type PayKeys,
  type WechatPayNotification,
} from '@allycard/wechat-sandbox';
import { createPrivateKey, createPublicKey, randomBytes, type KeyObject } from 'node:crypto';
import type { HttpClient } from './http.js';

/** What GET /sandbox/wechat/pay/keys gives (the sandbox's test-facing route). */
export type SandboxKeys = Pick<
  PayKeys,
  | 'appid'
  | 'mchid'
  | 'apiV3Key'
  | 'merchantPublicKeyPem'
  | 'wechatpaySerial'
  | 'platformPrivateKeyPem'
  | 'platformPublicKeyPem'
>;

export interface PayKeyRing {
  keys: SandboxKeys;
  platformPrivate: KeyObject;
  platformPublic: KeyObject;
}

export async function readPayKeys(http: HttpClient): Promise<PayKeyRing> {
  const res = await http.request<SandboxKeys>('GET', '/sandbox/wechat/pay/keys');
  if (res.status !== 200) throw new Error(`sandbox pay keys: ${res.status}`);
  return {
    keys: res.body,
    platformPrivate: createPrivateKey(res.body.platformPrivateKeyPem),
    platformPublic: createPublicKey(res.body.platformPublicKeyPem),
  };
}

/** An order as the notifications need it. */
export interface PayableOrder {
  id?: string;
  outTradeNo: string;
  payableFen: number;
  memberId: string;
}

/** The decrypted resource of a TRANSACTION.SUCCESS notification (the fields the baselines read). */
export interface PaidTransaction {
  appid: string;
  mchid: string;
  out_trade_no: string;
  transaction_id: string;
  trade_state: string;
  success_time: string;
  amount: { total: number; payer_total: number; currency: string; payer_currency: string };
}

/** A signed notification: the exact body and the Wechatpay-* headers (lower-case, as received). */
export interface CraftedNotification<O extends PayableOrder = PayableOrder> {
  id: string;
  order: O;
  body: string;
  headers: Record<string, string>;
}

export const newEventId = (runId: string) => `EV-${runId}-${randomBytes(8).toString('hex')}`;

export function transactionOf(keys: SandboxKeys, o: PayableOrder): PaidTransaction & Record<string, unknown> {
  const total = o.payableFen;
  return {
    appid: keys.appid,
    mchid: keys.mchid,
    out_trade_no: o.outTradeNo,
    transaction_id: `42000${Date.now()}${randomBytes(4).readUInt32BE(0)}`,
    trade_type: 'JSAPI',
    trade_state: 'SUCCESS',
    trade_state_desc: '支付成功',
    success_time: toRfc3339Shanghai(new Date()),
    payer: { openid: 'o_bench' },
    amount: { total, payer_total: total, currency: 'CNY', payer_currency: 'CNY' },
  };
}

/** The first delivery of an order's payment, as WeChat Pay would post it. */
export function craftNotification<O extends PayableOrder>(
  ring: PayKeyRing,
  runId: string,
  order: O,
): CraftedNotification<O> {
  const notification = buildNotification({
    apiV3Key: ring.keys.apiV3Key,
    eventType: 'TRANSACTION.SUCCESS',
    resource: transactionOf(ring.keys, order),
    id: newEventId(runId),
  });
  const body = JSON.stringify(notification);
  const signed = wechatpaySignatureHeaders({
    privateKeyPem: ring.platformPrivate,
    serial: ring.keys.wechatpaySerial,
    body,
  });
  const headers = Object.fromEntries(Object.entries(signed).map(([k, v]) => [k.toLowerCase(), v]));
  return { id: notification.id, order, body, headers };
}

export interface VerifiedNotification {
  id: string;
  transaction: PaidTransaction;
}

/** What the server does before any SQL (wechat-pay.client.ts verifyNotification), for the baselines. */
export function verifyAndDecrypt(ring: PayKeyRing, n: CraftedNotification): VerifiedNotification {
  const h = n.headers;
  const ts = h['wechatpay-timestamp'] ?? '';
  if (!/^\d{1,12}$/.test(ts) || Math.abs(Date.now() / 1000 - Number(ts)) > MAX_CLOCK_SKEW_SECONDS)
    throw new Error('stale timestamp');
  if (h['wechatpay-serial'] !== ring.keys.wechatpaySerial) throw new Error('unknown serial');
  const message = wechatpayMessage(ts, h['wechatpay-nonce'] ?? '', n.body);
  if (!verifyMessage(ring.platformPublic, message, h['wechatpay-signature'] ?? ''))
    throw new Error('bad signature');
  const envelope = JSON.parse(n.body) as Partial<WechatPayNotification>;
  if (!envelope.id || envelope.resource?.algorithm !== AEAD_ALGORITHM) throw new Error('not a notification');
  const t = JSON.parse(decryptResource(ring.keys.apiV3Key, envelope.resource)) as PaidTransaction;
  if (t.appid !== ring.keys.appid || t.mchid !== ring.keys.mchid) throw new Error('not our merchant');
  return { id: envelope.id, transaction: t };
}

/** The instant a transaction was paid (WeChat's RFC 3339 success_time). */
export function paidAt(t: PaidTransaction): Date {
  const at = parseInstant(t.success_time);
  if (!at) throw new Error(`bad success_time ${t.success_time}`);
  return at;
}
