import { memberApi } from './api';

const TTL_MS = 5 * 60 * 1000;
let cached: { at: number; names: Map<string, string> } | null = null;
let pending: Promise<Map<string, string>> | null = null;

/**
 * Merchant id → name, to say where a coupon can be used. Fetched once every few minutes; a failure
 * is not worth an error state (coupons then read "指定商户"), so it answers an empty map.
 */
export function merchantNames(now = Date.now()): Promise<Map<string, string>> {
  if (cached && now - cached.at < TTL_MS) return Promise.resolve(cached.names);
  if (!pending) {
    pending = memberApi
      .merchants()
      .then((list) => {
        const names = new Map(list.map((m) => [String(m.id), m.name]));
        cached = { at: Date.now(), names };
        return names;
      })
      .catch(() => cached?.names ?? new Map<string, string>())
      .finally(() => {
        pending = null;
      });
  }
  return pending;
}

/** The same names for a visitor who has not joined (no token): the scanned scene's alliance's. */
export function visitorMerchantNames(scene?: string): Promise<Map<string, string>> {
  return memberApi
    .browseMerchants(scene)
    .then((list) => new Map(list.map((m) => [String(m.id), m.name])))
    .catch(() => new Map<string, string>());
}

/** Tests: forget what was fetched. */
export function resetMerchantNames(): void {
  cached = null;
  pending = null;
}
