import type * as weapp from './early-requests';
import type { EarlyAnswer } from './early-requests';

/**
 * index.html starts GET /me and /me/member-code with the page when it opens on the card with a stored
 * member token, so the card's data arrives while the JavaScript is still loading instead of after it
 * (on a slow phone network that is most of the time to a usable card). Each early answer serves the
 * first request that asks for the same URL with the same token, once; anything else goes out as usual.
 */
interface EarlyRequest {
  token: string;
  answer: Promise<EarlyAnswer>;
}

declare global {
  interface Window {
    __allycardEarly?: Record<string, EarlyRequest | undefined>;
  }
}

export function takeEarlyAnswer(
  method: string,
  url: string,
  headers: Record<string, string>,
): Promise<EarlyAnswer | null> | null {
  const early = method === 'GET' ? window.__allycardEarly?.[url] : undefined;
  if (!early || headers.authorization !== `Bearer ${early.token}`) return null;
  window.__allycardEarly![url] = undefined;
  return early.answer.catch(() => null);
}

takeEarlyAnswer satisfies typeof weapp.takeEarlyAnswer;
