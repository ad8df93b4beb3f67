import { createClient, fetchTransport, type Transport } from '@allycard/contracts';
import { loadSession } from './session';

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

const transport: Transport = async (req) => {
  const res = await fetchTransport(req);
  if (res.status !== 401 || !req.headers.authorization) return res;
  const sent = (res.body as { error?: { message?: string } } | null)?.error?.message;
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
