import { randomBytes } from 'node:crypto';
import type { Request, Response } from 'express';
import { wechatpaySignatureHeaders } from './crypto';
import type { PayCredentials } from './keys';

/** A WeChat Pay APIv3 error body. */
export interface V3Error {
  code: string;
  message: string;
  detail?: Record<string, unknown>;
}

export class V3Failure {
  constructor(
    readonly status: number,
    readonly error: V3Error,
  ) {}
}

export function v3Failure(
  status: number,
  code: string,
  message: string,
  detail?: Record<string, unknown>,
): V3Failure {
  return new V3Failure(status, detail ? { code, message, detail } : { code, message });
}

/** The request, authenticated: its raw body and the merchant that signed it. */
export interface V3Context {
  rawBody: string;
  mchid: string;
}

export function v3Context(res: Response): V3Context {
  return res.locals.wechatPayV3 as V3Context;
}

/**
 * Sends an APIv3 answer signed like WeChat's: Wechatpay-Timestamp/-Nonce/-Signature over
 * `timestamp\nnonce\nbody\n` with the platform private key, Wechatpay-Serial of the current mode,
 * and a Request-ID. 204 has an empty body, signed as such.
 */
export function sendV3(
  res: Response,
  credentials: PayCredentials,
  now: () => number,
  status: number,
  payload?: object,
): void {
  const body = status === 204 || payload === undefined ? '' : JSON.stringify(payload);
  const headers = wechatpaySignatureHeaders({
    privateKeyPem: credentials.platformPrivateKey,
    serial: credentials.wechatpaySerial,
    body,
    timestamp: Math.floor(now() / 1000),
  });
  res.status(status).set(headers).set('Request-ID', randomBytes(20).toString('hex').toUpperCase());
  if (body === '') {
    res.end();
    return;
  }
  res.type('application/json').send(body);
}

export function sendV3Failure(
  res: Response,
  credentials: PayCredentials,
  now: () => number,
  failure: V3Failure,
): void {
  sendV3(res, credentials, now, failure.status, failure.error);
}

const MAX_BODY_BYTES = 64 * 1024;

/**
 * The body exactly as the merchant sent it, for the signature check. Reads the stream itself, or,
 * when a parser upstream already consumed it, takes `req.rawBody` (NestJS `rawBody: true`) or, as a
 * last resort, re-serialises the parsed body (matches whenever the client sent JSON.stringify output).
 */
export async function readRawBody(req: Request): Promise<string> {
  const preserved = (req as { rawBody?: unknown }).rawBody;
  if (Buffer.isBuffer(preserved)) return preserved.toString('utf8');
  if (typeof preserved === 'string') return preserved;
  const consumed = req.readableEnded || (req as { _body?: unknown })._body === true;
  if (consumed) {
    const parsed: unknown = req.body;
    if (typeof parsed === 'string') return parsed;
    if (Buffer.isBuffer(parsed)) return parsed.toString('utf8');
    if (typeof parsed === 'object' && parsed !== null && Object.keys(parsed).length > 0) {
      return JSON.stringify(parsed);
    }
    return '';
  }
  return new Promise<string>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      // Past the limit the rest is drained, not kept, so the answer can still be sent.
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on('end', () => {
      if (size > MAX_BODY_BYTES) reject(v3Failure(400, 'PARAM_ERROR', '请求体过大'));
      else resolve(Buffer.concat(chunks).toString('utf8'));
    });
    req.on('error', reject);
  });
}

/** What an APIv3 route answers: a status with an optional JSON body, or an error. */
export type V3Result = { status: number; body?: object } | V3Failure;

export type V3Handler = (req: Request, context: V3Context) => V3Result | Promise<V3Result>;

/** Runs an APIv3 handler on an authenticated request and signs whatever it answers. */
export function v3Route(
  credentials: PayCredentials,
  now: () => number,
  handler: V3Handler,
): (req: Request, res: Response) => Promise<void> {
  return async (req, res) => {
    const result = await handler(req, v3Context(res));
    if (result instanceof V3Failure) sendV3Failure(res, credentials, now, result);
    else sendV3(res, credentials, now, result.status, result.body);
  };
}

/** A field of a JSON object, or undefined when the value is not a plain object. */
export function fieldOf(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)[key]
    : undefined;
}
