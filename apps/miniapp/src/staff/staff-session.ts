import Taro, { useLoad } from '@tarojs/taro';
import { staffToken } from '../services/api';
import { hasCode, toastError, userError } from '../services/errors';
import { ROUTES } from '../services/routes';

/** Clerk pages need a signed-in clerk: without one, straight to the login. */
export function useStaffGuard(): void {
  useLoad(() => {
    if (!staffToken.get()) void Taro.redirectTo({ url: ROUTES.staffLogin });
  });
}

export async function signOutStaff(notice?: string): Promise<void> {
  staffToken.clear();
  if (notice) toastError(userError(notice));
  await Taro.redirectTo({ url: ROUTES.staffLogin });
}

/** A 401 means the clerk's session ended: back to the login. True when it handled the error. */
export async function endedStaffSession(error: unknown): Promise<boolean> {
  if (!hasCode(error, 401)) return false;
  await signOutStaff('登录已过期，请重新登录');
  return true;
}
