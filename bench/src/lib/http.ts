// HTTP client of the benchmark: node:http with keep-alive, one socket per request in flight, the
// client-side latency of each answer measured from the request's start to the answer's last byte.
import type { ErrorEnvelope } from '@allycard/contracts';
import http from 'node:http';

export interface RequestOptions {
  token?: string;
  /** Sent as JSON. */
  body?: unknown;
  /** Sent byte for byte (signed WeChat Pay notifications). */
  raw?: string;
  headers?: Record<string, string>;
  /** Source address (the joins come from several loopback addresses). */
  localAddress?: string;
  /** This request's own timeout (an admin action over 100,000 members), instead of the client's. */
  timeoutMs?: number;
}

export interface HttpAnswer<T> {
  status: number;
  /** The parsed JSON (the text when it is not JSON; null when empty). */
  body: T;
  ms: number;
  headers: http.IncomingHttpHeaders;
}

/** A 2xx body of type T, or the error envelope. */
export type Answer<T> = HttpAnswer<T & Partial<ErrorEnvelope>>;

export type Request = <T = unknown>(
  method: string,
  urlPath: string,
  options?: RequestOptions,
) => Promise<Answer<T>>;

export interface HttpClient {
  request: Request;
  close(): void;
}
export type ApiClient = Request;

export function httpClient(port: number, maxSockets: number, timeoutMs: number): HttpClient {
  const agent = new http.Agent({ keepAlive: true, maxSockets, maxFreeSockets: maxSockets });
  const request: Request = (
    method,
    urlPath,
    { token, body, raw, headers = {}, localAddress, timeoutMs: own } = {},
  ) =>
    new Promise((resolve, reject) => {
      const payload =
        raw !== undefined ? Buffer.from(raw) : body === undefined ? null : Buffer.from(JSON.stringify(body));
      const start = process.hrtime.bigint();
      const req = http.request(
        {
          host: '127.0.0.1',
          port,
          method,
          path: urlPath,
          agent,
          localAddress,
          headers: {
            ...(payload && { 'content-type': 'application/json', 'content-length': payload.length }),
            ...(!payload && method !== 'GET' && { 'content-length': 0 }),
            ...(token && { authorization: `Bearer ${token}` }),
            ...headers,
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', reject);
          res.on('end', () => {
            const ms = Number(process.hrtime.bigint() - start) / 1e6;
            const text = Buffer.concat(chunks).toString('utf8');
            let parsed: unknown = text;
            try {
              parsed = text ? JSON.parse(text) : null;
            } catch {
              // not JSON: keep the text
            }
            resolve({ status: res.statusCode ?? 0, body: parsed as never, ms, headers: res.headers });
          });
        },
      );
      const limit = own ?? timeoutMs;
      req.setTimeout(limit, () => req.destroy(new Error(`timeout after ${limit} ms`)));
      req.on('error', reject);
      req.end(payload ?? undefined);
    });
  return { request, close: () => agent.destroy() };
}

/** `201`, or the status and the envelope's error code: how an answer is counted in the tables. */
export function answerCode(res: Answer<unknown>, success: number): string {
  return res.status === success ? String(success) : `${res.status} ${res.body?.error?.code ?? ''}`.trim();
}

/** One line about an unexpected answer, for the log. */
export function answerDetail(res: Answer<unknown>): string {
  return `${res.status} ${JSON.stringify(res.body).slice(0, 300)}`;
}
