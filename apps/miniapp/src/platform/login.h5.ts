import type * as weapp from './login';
import { userError } from '../services/errors';
import { sandboxLoginCode } from './sandbox.h5';

/** One demo WeChat user per browser profile; e2e tests get a new one with a fresh profile. */
export const DEMO_OPENID_KEY = 'allycard.h5.openid';

function randomToken(length: number): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  const bytes = new Uint8Array(length);
  if (typeof crypto !== 'undefined' && typeof crypto.getRandomValues === 'function') {
    crypto.getRandomValues(bytes);
  } else {
    for (let i = 0; i < length; i++) bytes[i] = Math.floor(Math.random() * 256);
  }
  return Array.from(bytes, (b) => alphabet[b % alphabet.length]).join('');
}

export function demoOpenid(): string {
  const stored = window.localStorage.getItem(DEMO_OPENID_KEY);
  if (stored) return stored;
  const openid = `h5_${randomToken(24)}`;
  window.localStorage.setItem(DEMO_OPENID_KEY, openid);
  return openid;
}

/** Taro.login gives no code in a browser: ask the WeChat sandbox for the code wx.login would give. */
export async function getLoginCode(): Promise<string> {
  const { code } = await sandboxLoginCode(demoOpenid());
  if (!code) throw userError('登录失败，请稍后重试');
  return code;
}

getLoginCode satisfies typeof weapp.getLoginCode;
