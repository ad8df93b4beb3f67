import { ApiError } from '@allycard/contracts';
import { newIdempotencyKey, settled } from '../src/lib/idempotency';

describe('Idempotency-Key', () => {
  it('is new each time and 1–64 visible ASCII characters, as the server requires', () => {
    const keys = Array.from({ length: 50 }, newIdempotencyKey);
    expect(new Set(keys).size).toBe(50);
    for (const key of keys) expect(key).toMatch(/^[\x21-\x7e]{1,64}$/);
  });

  it('is kept for a retry unless the server settled the request', () => {
    expect(settled(new ApiError(409, 'INSUFFICIENT_POINTS', '积分不足'))).toBe(true);
    expect(settled(new ApiError(400, 'VALIDATION_FAILED', '请求参数有误'))).toBe(true);
    // still running under this key, turned away before it ran, or no answer at all
    expect(settled(new ApiError(409, 'IDEMPOTENCY_CONFLICT', '…'))).toBe(false);
    expect(settled(new ApiError(401, 'SESSION_ENDED', '…'))).toBe(false);
    expect(settled(new ApiError(429, 'RATE_LIMITED', '…'))).toBe(false);
    expect(settled(new ApiError(503, 'HTTP_503', '…'))).toBe(false);
    expect(settled(new TypeError('Failed to fetch'))).toBe(false);
  });
});
