import type { ErrorRequestHandler, Request, Response } from 'express';

/** WeChat's server APIs answer errors with HTTP 200 and `{errcode, errmsg}`. */
export function sendWechatError(res: Response, error: WechatError): void {
  res.status(200).json(error);
}

export interface FieldError {
  field: string;
  message: string;
}

/** The product's own error envelope, used by the test-facing endpoints. */
export function sendValidationFailed(res: Response, details: FieldError[]): void {
  res.status(400).json({ error: { code: 'VALIDATION_FAILED', message: 'Invalid request', details } });
}

/** A query parameter as one string; repeated or nested parameters count as missing. */
export function queryString(req: Request, name: string): string | undefined {
  const value = (req.query as Record<string, unknown>)[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** The parsed JSON object body, or an empty object when there is none or it is not an object. */
export function bodyObject(req: Request): Record<string, unknown> {
  const body: unknown = req.body;
  return typeof body === 'object' && body !== null && !Array.isArray(body)
    ? (body as Record<string, unknown>)
    : {};
}

/**
 * Validates a test-facing body that must be a JSON object with exactly one string field.
 * Unknown fields are rejected, as everywhere in the product's API.
 */
export function validateSingleField(
  req: Request,
  field: string,
  pattern: RegExp,
  rule: string,
): { value: string } | { details: FieldError[] } {
  const body: unknown = req.body;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return { details: [{ field: 'body', message: 'must be a JSON object' }] };
  }
  const unknownFields: FieldError[] = Object.keys(body)
    .filter((key) => key !== field)
    .map((key) => ({ field: key, message: 'unknown field' }));
  const value = (body as Record<string, unknown>)[field];
  if (typeof value !== 'string' || !pattern.test(value)) {
    return { details: [{ field, message: rule }, ...unknownFields] };
  }
  return unknownFields.length > 0 ? { details: unknownFields } : { value };
}

export interface WechatError {
  errcode: number;
  errmsg: string;
}

export interface AppCredentials {
  appid: string;
  secret: string;
}

/** The checks WeChat runs, in its order, on every call that carries appid + secret. */
export function appCredentialError(
  expected: AppCredentials,
  appid: string | undefined,
  secret: string | undefined,
): WechatError | null {
  if (appid === undefined) return { errcode: 41002, errmsg: 'appid missing' };
  if (secret === undefined) return { errcode: 41004, errmsg: 'appsecret missing' };
  if (appid !== expected.appid) return { errcode: 40013, errmsg: 'invalid appid' };
  if (secret !== expected.secret) return { errcode: 40125, errmsg: 'invalid appsecret' };
  return null;
}

interface BodyParserError {
  type: string;
  status: number;
}

function isBodyParserError(err: unknown): err is BodyParserError {
  const e = err as Partial<BodyParserError> | null;
  return (
    typeof e === 'object' &&
    e !== null &&
    typeof e.type === 'string' &&
    typeof e.status === 'number' &&
    e.status >= 400 &&
    e.status < 500
  );
}

/**
 * Unreadable bodies: WeChat answers 47001 on its own APIs; the test-facing endpoints use the
 * product's envelope. Anything else is a real bug and goes on to the server's handler.
 */
export const bodyErrorHandler: ErrorRequestHandler = (err, req, res, next) => {
  if (!isBodyParserError(err)) {
    next(err);
    return;
  }
  if (!req.path.startsWith('/wechat/')) {
    sendWechatError(res, { errcode: 47001, errmsg: 'data format error' });
    return;
  }
  if (err.type === 'entity.too.large') {
    res.status(413).json({ error: { code: 'PAYLOAD_TOO_LARGE', message: 'Request body too large' } });
    return;
  }
  sendValidationFailed(res, [{ field: 'body', message: 'must be valid JSON' }]);
};
