import type { FieldError } from '@allycard/contracts';
import { parseInstant } from '@allycard/domain';

/**
 * The shapes of what WeChat Pay v3 sends us — a notification's body, its decrypted resource, a query's
 * answer — checked before anything reads them. A genuine signature says who sent a message, not that
 * its fields are what we expect: a number where a string belongs, an array, a 10,000-character id or
 * "yesterday" for a time would otherwise reach SQL and the stored rows as they are. Sizes are WeChat's
 * documented field lengths, which are also our columns' lengths. Fields we do not read are not checked.
 */

/** How far WeChat's clock may be ahead of ours (signature timestamps, payment and refund times). */
export const MAX_CLOCK_SKEW_S = 300;

export const TRADE_STATES = [
  'SUCCESS',
  'NOTPAY',
  'CLOSED',
  'REFUND',
  'PAYERROR',
  'USERPAYING',
  'REVOKED',
] as const;
export const REFUND_STATUSES = ['SUCCESS', 'CLOSED', 'ABNORMAL'] as const;

export interface WechatTransaction {
  appid: string;
  mchid: string;
  out_trade_no: string;
  transaction_id?: string;
  trade_state: (typeof TRADE_STATES)[number];
  /** RFC 3339, checked to be a real time, not in the future */
  success_time?: string;
  payer?: { openid: string };
  amount: { total: number; payer_total?: number; currency: string };
}

export interface WechatRefundNotice {
  mchid: string;
  out_trade_no: string;
  transaction_id: string;
  out_refund_no: string;
  refund_id: string;
  refund_status: (typeof REFUND_STATUSES)[number];
  success_time?: string;
  amount: { total: number; refund: number; payer_total: number; payer_refund: number };
}

/** The refund as GET /v3/refund/domestic/refunds/{out_refund_no} answers it. */
export type WechatRefundView = Omit<WechatRefundNotice, 'mchid' | 'refund_status'> & {
  status: WechatRefundNotice['refund_status'] | 'PROCESSING';
};

export interface NotificationEnvelope {
  id: string;
  event_type: string;
  resource: { algorithm: 'AEAD_AES_256_GCM'; ciphertext: string; nonce: string; associated_data?: string };
}

export type Checked<T> = { ok: true; value: T } | { ok: false; problems: FieldError[] };

/** Adds what is wrong with `value`, found at `field`, to `problems`. */
type Rule = (value: unknown, field: string, problems: FieldError[], now: Date) => void;

const rule =
  (ok: (value: unknown, now: Date) => boolean, message: string): Rule =>
  (value, field, problems, now) => {
    if (!ok(value, now)) problems.push({ field, message });
  };

const optional =
  (inner: Rule): Rule =>
  (value, field, problems, now) => {
    if (value !== undefined) inner(value, field, problems, now);
  };

const object =
  (fields: Record<string, Rule>): Rule =>
  (value, field, problems, now) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      problems.push({ field: field || 'body', message: 'must be a JSON object' });
      return;
    }
    for (const [name, check] of Object.entries(fields))
      check((value as Record<string, unknown>)[name], field ? `${field}.${name}` : name, problems, now);
  };

/** An id or code: printable ASCII without spaces, as every WeChat Pay id is. */
const code = (max: number) =>
  rule(
    (v) => typeof v === 'string' && v.length <= max && /^[\x21-\x7e]+$/.test(v),
    `must be 1 to ${max} printable ASCII characters`,
  );

const text = (max: number) =>
  rule((v) => typeof v === 'string' && v.length <= max, `must be text of at most ${max} characters`);

const oneOf = (values: readonly string[]) =>
  rule((v) => values.includes(v as string), `must be one of ${values.join(', ')}`);

const fen = rule(
  (v) => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0,
  'must be a whole number of fen, 0 or more',
);

/**
 * An RFC 3339 time with its offset, as WeChat writes them, between 1970 and now: a payment or refund
 * cannot succeed in the future, and a year 0 would not survive storage.
 */
const time = rule((v, now) => {
  const at = typeof v === 'string' ? parseInstant(v) : null;
  return at !== null && at.getTime() >= 0 && at.getTime() <= now.getTime() + MAX_CLOCK_SKEW_S * 1000;
}, 'must be an RFC 3339 time with its offset, not in the future');

const envelope = object({
  id: code(64),
  event_type: code(32),
  resource: object({
    algorithm: oneOf(['AEAD_AES_256_GCM']),
    ciphertext: rule((v) => typeof v === 'string' && v.length > 0, 'must be base64 text'),
    nonce: code(64),
    associated_data: optional(text(64)),
  }),
});

const transaction = object({
  appid: code(32),
  mchid: code(32),
  out_trade_no: code(32),
  transaction_id: optional(code(32)),
  trade_state: oneOf(TRADE_STATES),
  success_time: optional(time),
  payer: optional(object({ openid: code(128) })),
  amount: object({ total: fen, payer_total: optional(fen), currency: code(16) }),
});

const refundFields = {
  out_trade_no: code(32),
  transaction_id: code(32),
  out_refund_no: code(64),
  refund_id: code(32),
  success_time: optional(time),
  amount: object({ total: fen, refund: fen, payer_total: fen, payer_refund: fen }),
};

const refundNotice = object({ mchid: code(32), refund_status: oneOf(REFUND_STATUSES), ...refundFields });

const refundView = object({ status: oneOf([...REFUND_STATUSES, 'PROCESSING']), ...refundFields });

function check<T>(shape: Rule, value: unknown, field: string, now: Date): Checked<T> {
  const problems: FieldError[] = [];
  shape(value, field, problems, now);
  return problems.length ? { ok: false, problems } : { ok: true, value: value as T };
}

export const checkEnvelope = (value: unknown) => check<NotificationEnvelope>(envelope, value, '', new Date());

export const checkTransaction = (value: unknown, field: string, now = new Date()) =>
  check<WechatTransaction>(transaction, value, field, now);

export const checkRefundNotice = (value: unknown, field: string, now = new Date()) =>
  check<WechatRefundNotice>(refundNotice, value, field, now);

export const checkRefundView = (value: unknown, field: string, now = new Date()) =>
  check<WechatRefundView>(refundView, value, field, now);

/** Any other event's resource: only its being a JSON object is known. */
export const checkObject = (value: unknown, field: string) =>
  check<Record<string, unknown>>(object({}), value, field, new Date());
