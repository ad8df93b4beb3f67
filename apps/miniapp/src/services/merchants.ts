import type { Merchant } from '@allycard/contracts';
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
        const names = rememberBrands(list);
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
    .then(rememberBrands)
    .catch(() => new Map<string, string>());
}

/** Tests: forget what was fetched. */
export function resetMerchantNames(): void {
  cached = null;
  pending = null;
  logos.clear();
}

/** Badge colours for merchants without a logo; white text on each is above 4.5:1. */
const BADGE_COLOURS = ['#b3261e', '#1d5fbf', '#2e7d32', '#8a5a00', '#6a3fb5', '#00695c'];

/** The merchant's own colour: its coupons' face and, without a logo, its badge. */
export function badgeColour(merchantId: string): string {
  let hash = 0;
  for (const ch of merchantId) hash = (hash * 31 + ch.charCodeAt(0)) >>> 0;
  return BADGE_COLOURS[hash % BADGE_COLOURS.length];
}

/** Logos of the merchants fetched above (names come with them). */
const logos = new Map<string, string>();

function rememberBrands(list: Merchant[]): Map<string, string> {
  for (const m of list) if (m.logoUrl) logos.set(String(m.id), m.logoUrl);
  return new Map(list.map((m) => [String(m.id), m.name]));
}

export interface MerchantBrand {
  name: string;
  logoUrl: string | null;
  colour: string;
}

/**
 * The one merchant a coupon is for (usable at a single merchant), with its logo and colour, so the
 * ticket looks like that merchant's; none for alliance-wide coupons or merchants not fetched yet.
 */
export function brandOf(
  terms: { usableAt: string; merchantIds: string[] },
  names: Map<string, string>,
): MerchantBrand | undefined {
  if (terms.usableAt !== 'merchant' || terms.merchantIds.length !== 1) return undefined;
  const id = String(terms.merchantIds[0]);
  const name = names.get(id);
  return name ? { name, logoUrl: logos.get(id) ?? null, colour: badgeColour(id) } : undefined;
}
