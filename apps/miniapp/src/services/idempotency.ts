import { useRef } from 'react';
import { isApiError } from './errors';

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

/**
 * A fresh `Idempotency-Key` (1–64 visible ASCII characters). It only has to be unique, not secret;
 * older WeChat base libraries have no `crypto.getRandomValues`, so Math.random stands in there.
 */
export function newIdempotencyKey(): string {
  const bytes = new Uint8Array(24);
  const webCrypto = (globalThis as { crypto?: Crypto }).crypto;
  if (webCrypto && typeof webCrypto.getRandomValues === 'function') webCrypto.getRandomValues(bytes);
  else for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(Math.random() * 256);
  return `${Date.now().toString(36)}-${Array.from(bytes, (b) => ALPHABET[b % ALPHABET.length]).join('')}`;
}

/**
 * Whether the server decided this request for good. It stores every answer below 500 under the key
 * and replays it, so after such an answer a new attempt needs a new key; without an answer (network,
 * 5xx), while it still works on the first try (IDEMPOTENCY_CONFLICT), or when a guard turned the
 * request away before it ran (401, 429), the retry must reuse the key.
 */
export function answeredForGood(error: unknown): boolean {
  if (!isApiError(error)) return false;
  if (error.status < 400 || error.status >= 500) return false;
  if (error.status === 401 || error.status === 429) return false;
  return error.code !== 'IDEMPOTENCY_CONFLICT';
}

export interface ActionKeys {
  /**
   * Sends `action` with its key: the same key until the server has answered it for good, so a retry
   * of an action whose outcome is unknown is replayed instead of done twice. `action` names what is
   * done (e.g. `claim:12`, `redeem:5:x2`): another action gets another key.
   */
  run<T>(action: string, send: (key: string) => Promise<T>): Promise<T>;
}

export function createActionKeys(newKey: () => string = newIdempotencyKey): ActionKeys {
  const keys = new Map<string, string>();
  return {
    async run(action, send) {
      let key = keys.get(action);
      if (!key) {
        key = newKey();
        keys.set(action, key);
      }
      try {
        const result = await send(key);
        keys.delete(action);
        return result;
      } catch (error) {
        if (answeredForGood(error)) keys.delete(action);
        throw error;
      }
    },
  };
}

/** One set of action keys for the life of a page. */
export function useActionKeys(): ActionKeys {
  const ref = useRef<ActionKeys | null>(null);
  if (!ref.current) ref.current = createActionKeys();
  return ref.current;
}
