import { createClient, fetchTransport, type SessionTokens, type Transport } from '@allycard/contracts';
import { loadSession, saveSession, type Session } from './session';

export const API_BASE = '/api/v1';

/**
 * The code the console gives a 401 on a signed-in request: the session is over. One listener signs
 * out and says so once, so the pages that were loading do not each show the same error.
 */
export const SESSION_ENDED = 'SESSION_ENDED';

type Listener = (message: string) => void;
const sessionEndedListeners = new Set<Listener>();

export function onSessionEnded(listener: Listener): () => void {
  sessionEndedListeners.add(listener);
  return () => sessionEndedListeners.delete(listener);
}

/** Access tokens live 30 minutes; they are renewed this long before they expire. */
const RENEW_BEFORE_MS = 2 * 60_000;

const refreshPath = (session: Session) =>
  session.role === 'alliance_admin' ? '/admin/refresh' : '/staff/refresh';

/** Trades the refresh token for a new pair; null when the server ended the session (401). */
async function exchange(session: Session): Promise<Session | null> {
  const res = await fetchTransport({
    method: 'POST',
    url: API_BASE + refreshPath(session),
    headers: { accept: 'application/json', 'content-type': 'application/json' },
    body: JSON.stringify({ refreshToken: session.refreshToken }),
  });
  if (res.status === 401) return null;
  // Anything else (rate limit, server trouble): keep the session; its token may still do.
  if (res.status !== 200) return session;
  const tokens = res.body as SessionTokens;
  const next = {
    ...session,
    token: tokens.token,
    refreshToken: tokens.refreshToken,
    expiresAt: Date.parse(tokens.expiresAt),
  };
  saveSession(next);
  return next;
}

const inAllTabs = <T>(work: () => Promise<T>): Promise<T> =>
  typeof navigator !== 'undefined' && navigator.locks
    ? (navigator.locks.request('allycard.console.refresh', work) as Promise<T>)
    : work();

let renewing: Promise<Session | null> | null = null;

/**
 * One renewal at a time, in this tab and (with Web Locks) across tabs: a refresh token works once,
 * and presenting a used one ends the session, so a second tab takes the pair the first one got.
 */
function renew(stale: Session): Promise<Session | null> {
  renewing ??= inAllTabs(async () => {
    const current = loadSession();
    if (!current || current.refreshToken !== stale.refreshToken) return current;
    return exchange(current);
  }).finally(() => {
    renewing = null;
  });
  return renewing;
}

const dueForRenewal = (s: Session) =>
  !!s.refreshToken && s.expiresAt !== null && s.expiresAt - Date.now() < RENEW_BEFORE_MS;

const withToken = (req: Parameters<Transport>[0], session: Session) =>
  fetchTransport({ ...req, headers: { ...req.headers, authorization: `Bearer ${session.token}` } });

const transport: Transport = async (req) => {
  if (!req.headers.authorization) return fetchTransport(req);
  let session = loadSession();
  if (session && dueForRenewal(session)) session = await renew(session);
  let res = session ? await withToken(req, session) : null;
  // A 401 comes from the guard, before anything ran: renewing once and sending again is safe.
  if (session && res?.status === 401 && session.refreshToken) {
    const renewed = await renew(session);
    if (renewed) res = await withToken(req, renewed);
  }
  if (res && res.status !== 401) return res;
  const sent = (res?.body as { error?: { message?: string } } | null)?.error?.message;
  const message = sent || '登录已过期，请重新登录';
  sessionEndedListeners.forEach((l) => l(message));
  return { status: 401, body: { error: { code: SESSION_ENDED, message } } };
};

/** The typed client of packages/contracts, with the console's token. */
export const client = createClient({
  baseUrl: API_BASE,
  transport,
  getToken: () => loadSession()?.token,
});

export const call = client.call;
