import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import type { SessionTokens } from '@allycard/contracts';
import { api } from './api/admin';
import { onSessionEnded } from './api/client';
import { clearSession, loadSession, saveSession, type Session } from './api/session';
import { toast } from './lib/feedback';

interface Auth {
  session: Session | null;
  /** the merchant's name for a merchant admin, once loaded */
  merchantName: string | null;
  loginAlliance(username: string, password: string): Promise<void>;
  /** throws NotAMerchantAdmin for a clerk */
  loginMerchant(username: string, password: string): Promise<void>;
  logout(): void;
}

export class NotAMerchantAdmin extends Error {
  constructor() {
    super('店员账号请在小程序的员工端登录；管理后台仅限商户管理员');
  }
}

const AuthContext = createContext<Auth | null>(null);

/** The tokens of a login answer, as the session keeps them (renewed by api/client before expiry). */
const tokensOf = (res: SessionTokens) => ({
  token: res.token,
  refreshToken: res.refreshToken,
  expiresAt: Date.parse(res.expiresAt),
});

export function AuthProvider({ children }: { children: ReactNode }) {
  const [session, setSession] = useState<Session | null>(() => loadSession());
  const [merchantName, setMerchantName] = useState<string | null>(null);

  const start = useCallback((next: Session) => {
    saveSession(next);
    setSession(next);
  }, []);

  const logout = useCallback(() => {
    clearSession();
    setSession(null);
    setMerchantName(null);
  }, []);

  useEffect(
    () =>
      onSessionEnded((message) => {
        // Several requests may fail together; only the first one finds the session still there.
        if (!loadSession()) return;
        logout();
        toast.error(message);
      }),
    [logout],
  );

  useEffect(() => {
    if (session?.role !== 'merchant_admin' || !session.merchantId) return;
    let live = true;
    api
      .merchants()
      .then((list) => live && setMerchantName(list.find((m) => m.id === session.merchantId)?.name ?? null))
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [session]);

  const value = useMemo<Auth>(
    () => ({
      session,
      merchantName,
      async loginAlliance(username, password) {
        const res = await api.adminLogin(username, password);
        start({ ...tokensOf(res), role: 'alliance_admin', username, merchantId: null });
      },
      async loginMerchant(username, password) {
        const res = await api.staffLogin(username, password);
        if (res.staff.role !== 'merchant_admin') throw new NotAMerchantAdmin();
        start({ ...tokensOf(res), role: 'merchant_admin', username, merchantId: res.staff.merchantId });
      },
      logout,
    }),
    [session, merchantName, start, logout],
  );
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): Auth {
  const auth = useContext(AuthContext);
  if (!auth) throw new Error('useAuth outside AuthProvider');
  return auth;
}

/** The signed-in session; only for pages behind RequireAuth. */
export function useSession(): Session {
  const { session } = useAuth();
  if (!session) throw new Error('useSession without a session');
  return session;
}
