import { SIGNATURE_TYPE, randomNonce, signMessage, verifyMessage } from './crypto';
import type { PayCredentials } from './keys';
import { v3Failure, type V3Failure } from './v3';

/** WeChat refuses a request whose timestamp is more than 5 minutes from its own clock. */
export const MAX_CLOCK_SKEW_SECONDS = 5 * 60;

/** The message a merchant signs: `METHOD\nURL\ntimestamp\nnonce\nbody\n` (body empty for GET). */
export function merchantSignatureMessage(
  method: string,
  pathAndQuery: string,
  timestamp: string | number,
  nonce: string,
  body: string,
): string {
  return `${method.toUpperCase()}\n${pathAndQuery}\n${timestamp}\n${nonce}\n${body}\n`;
}

export interface MerchantAuthorizationInput {
  method: string;
  /** Path and query as sent to WeChat, e.g. `/v3/pay/transactions/out-trade-no/X?mchid=1900000109`. */
  pathAndQuery: string;
  /** The exact body string that will be sent (an object is JSON.stringify'd; send that same string). */
  body?: string | object;
  mchid: string;
  /** The merchant certificate serial. */
  serial: string;
  privateKeyPem: string;
  /** Seconds since the epoch; defaults to now. */
  timestamp?: number;
  nonce?: string;
}

/** The Authorization header value of a WeChat Pay APIv3 request. */
export function merchantAuthorization(input: MerchantAuthorizationInput): string {
  const timestamp = String(input.timestamp ?? Math.floor(Date.now() / 1000));
  const nonce = input.nonce ?? randomNonce();
  const body =
    input.body === undefined ? '' : typeof input.body === 'string' ? input.body : JSON.stringify(input.body);
  const signature = signMessage(
    input.privateKeyPem,
    merchantSignatureMessage(input.method, input.pathAndQuery, timestamp, nonce, body),
  );
  return (
    `${SIGNATURE_TYPE} mchid="${input.mchid}",nonce_str="${nonce}",signature="${signature}",` +
    `timestamp="${timestamp}",serial_no="${input.serial}"`
  );
}

export interface ParsedAuthorization {
  mchid: string;
  nonce_str: string;
  signature: string;
  timestamp: string;
  serial_no: string;
}

const AUTH_FIELDS = ['mchid', 'nonce_str', 'signature', 'timestamp', 'serial_no'] as const;

/** The five fields of the Authorization header, in any order; null when it is not well formed. */
export function parseAuthorization(header: string | undefined): ParsedAuthorization | null {
  if (header === undefined) return null;
  const prefix = `${SIGNATURE_TYPE} `;
  if (!header.startsWith(prefix)) return null;
  const fields: Record<string, string> = {};
  for (const part of header.slice(prefix.length).split(',')) {
    const match = /^\s*([a-z_]+)="([^"]*)"\s*$/.exec(part);
    if (!match) return null;
    const [, name, value] = match as unknown as [string, string, string];
    if (name in fields) return null;
    fields[name] = value;
  }
  for (const field of AUTH_FIELDS) {
    if (!fields[field]) return null;
  }
  return fields as unknown as ParsedAuthorization;
}

function signError(message: string, detail?: Record<string, unknown>): V3Failure {
  return v3Failure(401, 'SIGN_ERROR', message, detail);
}

/**
 * WeChat's checks on a merchant request, in order: header form, merchant, certificate serial,
 * timestamp, signature. Returns the merchant id, or the 401 SIGN_ERROR to answer.
 */
export function authenticateMerchant(
  credentials: PayCredentials,
  nowMs: number,
  request: { method: string; pathAndQuery: string; authorization: string | undefined; body: string },
): { mchid: string } | V3Failure {
  const auth = parseAuthorization(request.authorization);
  if (!auth) {
    return signError(
      `Http头Authorization缺失或格式错误，应为 ${SIGNATURE_TYPE} mchid="",nonce_str="",signature="",timestamp="",serial_no=""`,
      {
        field: 'authorization',
        location: 'header',
      },
    );
  }
  if (auth.mchid !== credentials.mchid) {
    return signError('商户号不存在或与证书不匹配', {
      field: 'mchid',
      location: 'authorization',
      value: auth.mchid,
    });
  }
  if (auth.serial_no.toUpperCase() !== credentials.material.merchantSerial.toUpperCase()) {
    return signError('商户证书序列号有误。请使用签名私钥匹配的证书序列号', {
      field: 'serial_no',
      location: 'authorization',
      value: auth.serial_no,
    });
  }
  const timestamp = /^\d{1,12}$/.test(auth.timestamp) ? Number(auth.timestamp) : NaN;
  if (!Number.isFinite(timestamp) || Math.abs(timestamp - nowMs / 1000) > MAX_CLOCK_SKEW_SECONDS) {
    return signError('Http头Authorization中的timestamp与当前时间相差超过5分钟', {
      field: 'timestamp',
      location: 'authorization',
      value: auth.timestamp,
    });
  }
  const message = merchantSignatureMessage(
    request.method,
    request.pathAndQuery,
    auth.timestamp,
    auth.nonce_str,
    request.body,
  );
  if (!verifyMessage(credentials.merchantPublicKey, message, auth.signature)) {
    return signError('错误的签名，验签失败', {
      detail: { issue: 'sign not match' },
      field: 'signature',
      location: 'authorization',
      sign_information: {
        method: request.method.toUpperCase(),
        url: request.pathAndQuery,
        sign_message_length: Buffer.byteLength(message, 'utf8'),
        truncated_sign_message: message.length > 64 ? `${message.slice(0, 64)}...` : message,
      },
    });
  }
  return { mchid: auth.mchid };
}
