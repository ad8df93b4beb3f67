import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { createHash } from 'node:crypto';

type Policy = Record<string, string[]>;

const serialize = (policy: Policy) =>
  Object.entries(policy)
    .map(([directive, sources]) => [directive, ...sources].join(' '))
    .join('; ');

/** API answers are data, never documents: nothing may run in, load from or frame them. */
const API_POLICY = serialize({ 'default-src': ["'none'"], 'frame-ancestors': ["'none'"] });

/** Swagger UI: its own bundles; it writes inline styles and draws icons as data: images. */
const DOCS_POLICY = serialize({
  'default-src': ["'self'"],
  'img-src': ["'self'", 'data:'],
  'style-src': ["'self'", "'unsafe-inline'"],
  'object-src': ["'none'"],
  'base-uri': ["'self'"],
  'frame-ancestors': ["'none'"],
});

/**
 * Headers on every answer: no MIME sniffing, only the origin in cross-origin Referers, never framed
 * (clickjacking of the console or the staff pages). In production browsers are also told to stay on
 * HTTPS (PUBLIC_URL is https there).
 */
export function securityHeaders(production: boolean): RequestHandler {
  return (_req: Request, res: Response, next: NextFunction) => {
    res.setHeader('x-content-type-options', 'nosniff');
    res.setHeader('referrer-policy', 'strict-origin-when-cross-origin');
    res.setHeader('x-frame-options', 'DENY');
    res.setHeader('content-security-policy', API_POLICY);
    if (production) res.setHeader('strict-transport-security', 'max-age=15552000');
    next();
  };
}

export const docsSecurityPolicy: RequestHandler = (_req, res, next) => {
  res.setHeader('content-security-policy', DOCS_POLICY);
  next();
};

const sha256 = (source: string) => `'sha256-${createHash('sha256').update(source, 'utf8').digest('base64')}'`;

/** Taro's H5 tab bar items are `<a href="javascript:;">`: allowed by hash, that exact no-op only. */
const JAVASCRIPT_URLS = ["'unsafe-hashes'", sha256('javascript:;')];

/**
 * The policy of a built front end (the H5 or the console): its own scripts, plus the inline scripts
 * of its index.html by hash (Taro's root font-size snippet), so a rebuild never needs a policy edit.
 * Styles may be inline: Ant Design and NutUI write them at run time. QR codes are data: images.
 */
export function frontEndPolicy(indexHtml: string): string {
  const inlineScripts = [...indexHtml.matchAll(/<script(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/gi)];
  return serialize({
    'default-src': ["'self'"],
    'script-src': ["'self'", ...inlineScripts.map(([, body]) => sha256(body)), ...JAVASCRIPT_URLS],
    'style-src': ["'self'", "'unsafe-inline'"],
    'img-src': ["'self'", 'data:', 'blob:'],
    'font-src': ["'self'", 'data:'],
    'connect-src': ["'self'"],
    'object-src': ["'none'"],
    'base-uri': ["'self'"],
    'form-action': ["'self'"],
    'frame-ancestors': ["'none'"],
  });
}
