/** Who is signed in to the console: the bearer token and what the console shows for its role. */
export type ConsoleRole = 'alliance_admin' | 'merchant_admin';

export interface Session {
  token: string;
  role: ConsoleRole;
  username: string;
  /** the merchant of a merchant admin */
  merchantId: string | null;
  /** when the access token expires, ms since epoch */
  expiresAt: number | null;
  /** renews the access token before it expires (POST /admin/refresh or /staff/refresh) */
  refreshToken: string | null;
}

const KEY = 'allycard.console.session';

export function loadSession(): Session | null {
  try {
    const raw = localStorage.getItem(KEY);
    if (!raw) return null;
    const stored = JSON.parse(raw) as Session;
    // Sessions saved before refresh tokens have none.
    const session: Session = { ...stored, refreshToken: stored.refreshToken ?? null };
    // An expired access token is still a session while its refresh token may renew it.
    const expired = session.expiresAt !== null && session.expiresAt <= Date.now();
    if (!session.token || (expired && !session.refreshToken)) {
      localStorage.removeItem(KEY);
      return null;
    }
    return session;
  } catch {
    return null;
  }
}

export function saveSession(session: Session): void {
  localStorage.setItem(KEY, JSON.stringify(session));
}

export function clearSession(): void {
  localStorage.removeItem(KEY);
}
