import {
  ArgumentsHost,
  BadRequestException,
  Catch,
  ExceptionFilter,
  HttpException,
  Logger,
} from '@nestjs/common';
import { ThrottlerException } from '@nestjs/throttler';
import type { ErrorEnvelope } from '@allycard/contracts';
import type { Response } from 'express';
import { DomainError, ReplayedResponse, validationFailed } from './errors';

const CODE_BY_STATUS: Record<number, [string, string]> = {
  400: ['VALIDATION_FAILED', '请求参数有误'],
  401: ['UNAUTHENTICATED', '请先登录'],
  403: ['FORBIDDEN', '没有权限'],
  404: ['NOT_FOUND', '接口或资源不存在'],
  405: ['METHOD_NOT_ALLOWED', '不支持该请求方法'],
  413: ['PAYLOAD_TOO_LARGE', '请求体过大'],
  415: ['UNSUPPORTED_MEDIA_TYPE', '请使用 application/json'],
  429: ['RATE_LIMITED', '操作太频繁，请稍后再试'],
};

/** What the database drivers throw when the database is not there (stopped, restarting, unreachable). */
const DATABASE_GONE = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'PROTOCOL_CONNECTION_LOST',
  'PROTOCOL_SEQUENCE_TIMEOUT',
  'ER_SERVER_SHUTDOWN',
  'ER_CON_COUNT_ERROR',
  'ER_QUERY_INTERRUPTED',
  'ER_CONNECTION_KILLED',
]);

export function isDatabaseUnavailable(error: unknown): boolean {
  for (let e: any = error, depth = 0; e && depth < 4; depth++) {
    if (typeof e.code === 'string' && DATABASE_GONE.has(e.code)) return true;
    // mysql2 on a connection that died under it
    if (typeof e.message === 'string' && /connection is in closed state|Connection lost/i.test(e.message))
      return true;
    e = e.driverError ?? e.cause;
  }
  return false;
}

/** Maps any thrown value to the envelope; anything unexpected is a logged 500 without internals. */
export function toEnvelope(error: unknown): { status: number; body: ErrorEnvelope } {
  if (error instanceof DomainError) {
    return {
      status: error.status,
      body: {
        error: {
          code: error.code,
          message: error.message,
          ...(error.details !== undefined && { details: error.details }),
        },
      },
    };
  }
  // A database outage is not a bug: say so, and the client retries later (issue 16).
  if (isDatabaseUnavailable(error)) {
    return {
      status: 503,
      body: { error: { code: 'SERVICE_UNAVAILABLE', message: '服务暂不可用，请稍后再试' } },
    };
  }
  // Express's router fails to decode a path segment such as `/me/coupons/%E0%A4%A` (a URIError),
  // which Nest rethrows as this BadRequestException
  if (error instanceof BadRequestException && error.message.startsWith('Failed to decode param')) {
    return toEnvelope(
      validationFailed([{ field: 'path', message: 'malformed percent-encoding' }], '请求地址有误'),
    );
  }
  if (error instanceof ThrottlerException) {
    return { status: 429, body: { error: { code: 'RATE_LIMITED', message: CODE_BY_STATUS[429][1] } } };
  }
  // body-parser errors (malformed JSON, oversized bodies) carry `status` and `type`
  const status =
    error instanceof HttpException
      ? error.getStatus()
      : typeof (error as { status?: unknown })?.status === 'number'
        ? (error as { status: number }).status
        : 500;
  if (status >= 500 || status < 400) {
    return {
      status: 500,
      body: { error: { code: 'INTERNAL_ERROR', message: '服务器开小差了，请稍后再试' } },
    };
  }
  const [code, message] = CODE_BY_STATUS[status] ?? ['BAD_REQUEST', '请求有误'];
  const type = (error as { type?: string }).type;
  if (type === 'entity.parse.failed') {
    return {
      status: 400,
      body: {
        error: {
          code,
          message: '请求体不是合法的 JSON',
          details: [{ field: 'body', message: 'malformed JSON' }],
        },
      },
    };
  }
  return { status, body: { error: { code, message } } };
}

@Catch()
export class ErrorEnvelopeFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  catch(error: unknown, host: ArgumentsHost) {
    const res = host.switchToHttp().getResponse<Response>();
    if (error instanceof ReplayedResponse) {
      res.status(error.status).json(error.body);
      return;
    }
    const { status, body } = toEnvelope(error);
    if (status === 503) this.logger.warn(`database unavailable: ${(error as Error)?.message ?? error}`);
    else if (status >= 500)
      this.logger.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    if (res.headersSent) return;
    res.status(status).json(body);
  }
}
