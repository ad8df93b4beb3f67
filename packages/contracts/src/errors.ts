/** Error codes of the API envelope `{"error": {"code", "message", "details"}}` (contract.md). */
export type ErrorCode =
  | 'VALIDATION_FAILED'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'NOT_A_MEMBER'
  | 'PAYLOAD_TOO_LARGE'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'METHOD_NOT_ALLOWED'
  | 'BAD_REQUEST'
  | 'RATE_LIMITED'
  | 'CODE_EXPIRED'
  | 'CODE_INVALID'
  | 'WECHAT_CODE_INVALID'
  | 'WECHAT_UNAVAILABLE'
  | 'SERVICE_UNAVAILABLE'
  | 'OUT_OF_STOCK'
  | 'LIMIT_REACHED'
  | 'COUPON_NOT_AVAILABLE'
  | 'SHARE_USED'
  | 'INSUFFICIENT_POINTS'
  | 'IDEMPOTENCY_CONFLICT'
  | 'THRESHOLD_NOT_MET'
  | 'COUPON_NOT_USABLE_HERE'
  | 'CANNOT_ACCEPT_OWN'
  | 'SHARE_EXPIRED'
  | 'NOT_FORWARDABLE'
  | 'NOT_ELIGIBLE'
  | 'FIRST_ORDER_ONLY'
  | 'COUPON_NOT_YET_VALID'
  | 'ALREADY_FULFILLED'
  | 'ORDER_NOT_REFUNDABLE'
  | 'REFUND_EXCEEDS_PAID'
  | 'WECHAT_REFUND_REJECTED'
  | 'NOT_PAID'
  | 'ORDER_NOT_PENDING'
  | 'APPROVAL_REQUIRED'
  | 'AMOUNT_REQUIRED'
  | 'ALREADY_VOIDED'
  | 'VOID_WINDOW_PASSED'
  | 'POLICY_OUTDATED'
  | 'PICKUP_PENDING'
  | 'CONFLICT'
  | 'INTERNAL_ERROR';

export interface FieldError {
  field: string;
  message: string;
}

export interface ErrorEnvelope {
  error: { code: ErrorCode | string; message: string; details?: unknown };
}

/** What the typed client throws for any non-2xx answer. */
export class ApiError extends Error {
  constructor(
    public readonly status: number,
    public readonly code: string,
    message: string,
    public readonly details?: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}
