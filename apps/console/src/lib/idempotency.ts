import { ApiError } from '@allycard/contracts';

/** A fresh `Idempotency-Key`: unique, not secret (1–64 visible ASCII characters). */
export function newIdempotencyKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return `console-${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}

/**
 * Whether the server settled the request for good, so the next submit needs a new key. Without an
 * answer (network, 5xx) or when a guard turned it away before it ran (401, 429), a retry must send
 * the same key so a request that did go through is replayed instead of done twice.
 */
export function settled(error: unknown): boolean {
  if (!(error instanceof ApiError)) return false;
  if (error.status >= 500 || error.status === 401 || error.status === 429) return false;
  return error.code !== 'IDEMPOTENCY_CONFLICT';
}
