import type { Options } from 'pino-http';

const REDACTED = '[REDACTED]';

/** Query parameters worth seeing in a request log; every other value may be a code, a secret or a phone. */
const LOGGED_QUERY_PARAMS = new Set(['limit', 'cursor', 'from', 'to', 'format', 'merchantId', 'status']);

/**
 * A request URL fit for the log: the share token in `/shares/:token` (it is a bearer credential for a
 * coupon) and every query value outside the short list above are replaced.
 */
export function redactUrl(url: string): string {
  const [path, query] = url.split(/\?(.*)/s, 2);
  const safePath = path.replace(/\/shares\/[^/]+/g, `/shares/${REDACTED}`);
  if (query === undefined) return safePath;
  const pairs = query.split('&').map((pair) => {
    const [key] = pair.split('=', 1);
    return LOGGED_QUERY_PARAMS.has(key) ? pair : `${key}=${REDACTED}`;
  });
  return `${safePath}?${pairs.join('&')}`;
}

interface SerializedRequest {
  id: unknown;
  method: string;
  url: string;
  headers: Record<string, unknown>;
  remoteAddress?: string;
}

/**
 * pino-http options that keep credentials out of request logs: no bodies (member, pickup, WeChat
 * login and phone codes travel there), no parsed query or route params, the URL redacted, and the
 * Authorization and Cookie headers removed.
 */
export const requestLogPrivacy: Pick<Options, 'serializers' | 'redact'> = {
  serializers: {
    req: (req: SerializedRequest & { raw?: { ip?: string } }) => ({
      id: req.id,
      method: req.method,
      url: redactUrl(req.url),
      headers: req.headers,
      remoteAddress: req.raw?.ip ?? req.remoteAddress,
    }),
  },
  redact: ['req.headers.authorization', 'req.headers.cookie'],
};
