/** Who is signed in to the console: the bearer token and what the console shows for its role. */
export type ConsoleRole = 'alliance_admin' | 'merchant_admin';

export interface Session {
  token: string;
  role: ConsoleRole;
  username: string;
  /** the merchant of a merchant admin */
  merchantId: string | null;
  /** ms since epoch, from the token's `exp` */
  expiresAt: number | null;
}

const KEY = 'allycard.console.session';

/** The claims the console reads from its own token (role, merchant, expiry); the server verifies it. */
export function tokenClaims(token: string): { role?: string; mid?: string; exp?: number } {
  try {
    const payload = token.split('.')[1] ?? '';
    const base64 = payload.replace(/-/g, '+').replace(/_/g, '/');
    const json = decodeURIComponent(
      Array.from(atob(base64), (c) => '%' + c.charCodeAt(0).toString(16).padStart(2, '0')).join(''),
    );
    return JSON.parse(json) as { role?: string; mid?: string; exp?: number };
  } catch {
    return {};
  }
}

export function loadSession(): Session | null {
  try {
    const raw = localStorage.getItem(KEY);
    if (!raw) return null;
    const session = JSON.parse(raw) as Session;
    if (!session.token || (session.expiresAt !== null && session.expiresAt <= Date.now())) {
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
