import type { ErrorCode, FieldError } from '@allycard/contracts';

/**
 * The one error type of business code. `ErrorEnvelopeFilter` turns it (and every other error) into
 * the contract's `{"error": {"code", "message", "details"}}`.
 */
export class DomainError extends Error {
  constructor(
    public readonly code: ErrorCode,
    public readonly status: number,
    message: string,
    public readonly details?: unknown,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export const notFound = (what = '资源') => new DomainError('NOT_FOUND', 404, `${what}不存在`);

export const validationFailed = (details: FieldError[], message = '请求参数有误') =>
  new DomainError('VALIDATION_FAILED', 400, message, details);

/** A stored idempotent answer replayed verbatim (status and body), errors included. */
export class ReplayedResponse extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {
    super('replayed');
  }
}
