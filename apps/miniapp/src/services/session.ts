import type { LoginResponse, MemberProfile } from '@allycard/contracts';
import { getLoginCode } from '../platform/login';
import { memberApi, memberToken } from './api';
import { hasCode } from './errors';

/**
 * Silent sign-in with a fresh login code. `null` when this WeChat user never joined (404 NOT_A_MEMBER):
 * the caller sends them to the join page.
 */
export async function loginMember(): Promise<LoginResponse | null> {
  const code = await getLoginCode();
  try {
    const res = await memberApi.login(code);
    memberToken.set(res.token);
    return res;
  } catch (error) {
    if (hasCode(error, 404, 'NOT_A_MEMBER') || hasCode(error, 404)) return null;
    throw error;
  }
}

/**
 * Runs a member request, signing in first when there is no token and once more when the token has
 * gone stale (401). `null` means: not a member.
 */
export async function withMember<T>(request: () => Promise<T>): Promise<T | null> {
  if (!memberToken.get()) {
    if (!(await loginMember())) return null;
  }
  try {
    return await request();
  } catch (error) {
    if (!hasCode(error, 401)) throw error;
    memberToken.clear();
    if (!(await loginMember())) return null;
    return request();
  }
}

/** The member's profile when the stored token is still good; null otherwise (no sign-in attempted). */
export async function currentMember(): Promise<MemberProfile | null> {
  if (!memberToken.get()) return null;
  try {
    return await memberApi.me();
  } catch (error) {
    if (hasCode(error, 401)) {
      memberToken.clear();
      return null;
    }
    throw error;
  }
}
