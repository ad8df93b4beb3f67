import Taro from '@tarojs/taro';
import { ApiError, createClient, type SessionTokens, type Transport } from '@allycard/contracts';
import { API_BASE_URL } from '../platform/config';
import { taroTransport } from './transport';

const TOKEN_KEY = 'allycard.staffToken';
const RENEWAL_KEY = 'allycard.staffRenewal';

/** What renews the clerk's 30-minute access token: the refresh token and when the access token expires. */
interface Renewal {
  refreshToken: string;
  expiresAt: number;
}

/** Renew this long before the access token expires, so a scan at the counter never waits on it. */
const RENEW_BEFORE_MS = 2 * 60_000;

function storedRenewal(): Renewal | null {
  const value: unknown = Taro.getStorageSync(RENEWAL_KEY);
  if (!value || typeof value !== 'object') return null;
  const { refreshToken, expiresAt } = value as Partial<Renewal>;
  return typeof refreshToken === 'string' && typeof expiresAt === 'number'
    ? { refreshToken, expiresAt }
    : null;
}

/** The clerk's bearer token; clearing it ends the whole staff session on this phone. */
export const staffToken = {
  get(): string | null {
    const value: unknown = Taro.getStorageSync(TOKEN_KEY);
    return typeof value === 'string' && value ? value : null;
  },
  set(token: string): void {
    Taro.setStorageSync(TOKEN_KEY, token);
  },
  clear(): void {
    Taro.removeStorageSync(TOKEN_KEY);
    Taro.removeStorageSync(RENEWAL_KEY);
  },
};

/** Keeps what a staff login or refresh answered. */
export function saveStaffSession(tokens: Pick<SessionTokens, 'token'> & Partial<SessionTokens>): void {
  staffToken.set(tokens.token);
  if (tokens.refreshToken && tokens.expiresAt)
    Taro.setStorageSync(RENEWAL_KEY, {
      refreshToken: tokens.refreshToken,
      expiresAt: Date.parse(tokens.expiresAt),
    } satisfies Renewal);
  else Taro.removeStorageSync(RENEWAL_KEY);
}

const refresher = createClient({ baseUrl: API_BASE_URL, transport: taroTransport });
let renewing: Promise<string | null> | null = null;

/**
 * A new access token, one renewal at a time: a refresh token works once, and presenting it a second
 * time would end the session. Null when the server ended it (401); offline, the current token stays.
 */
function renew(staleRefreshToken: string): Promise<string | null> {
  renewing ??= (async () => {
    const renewal = storedRenewal();
    if (!renewal) return null;
    if (renewal.refreshToken !== staleRefreshToken) return staffToken.get();
    try {
      const tokens = await refresher.staffRefresh(renewal.refreshToken);
      saveStaffSession(tokens);
      return tokens.token;
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) {
        Taro.removeStorageSync(RENEWAL_KEY);
        return null;
      }
      return staffToken.get();
    }
  })().finally(() => {
    renewing = null;
  });
  return renewing;
}

const withToken = (req: Parameters<Transport>[0], token: string) =>
  taroTransport({ ...req, headers: { ...req.headers, authorization: `Bearer ${token}` } });

/**
 * The staff client's transport: renews the access token shortly before it expires, and once more on
 * a 401 (the guard answers it before anything ran, so sending again is safe). A 401 that renewing
 * cannot fix reaches the page, which signs the clerk out.
 */
export const staffTransport: Transport = async (req) => {
  if (!req.headers.authorization) return taroTransport(req);
  let token = staffToken.get();
  const renewal = storedRenewal();
  if (renewal && renewal.expiresAt - Date.now() < RENEW_BEFORE_MS) token = await renew(renewal.refreshToken);
  if (!token)
    return { status: 401, body: { error: { code: 'UNAUTHENTICATED', message: '登录已过期，请重新登录' } } };
  const res = await withToken(req, token);
  const current = storedRenewal();
  if (res.status !== 401 || !current) return res;
  const renewed = await renew(current.refreshToken);
  return renewed ? withToken(req, renewed) : res;
};
