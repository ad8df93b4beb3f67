import Taro from '@tarojs/taro';
import { createClient } from '@allycard/contracts';
import { API_BASE_URL } from '../platform/config';
import { taroTransport } from './transport';

/** A bearer token kept in Taro storage (wx storage on weapp, localStorage on h5). */
export interface TokenStore {
  get(): string | null;
  set(token: string): void;
  clear(): void;
}

function storedToken(key: string): TokenStore {
  return {
    get() {
      const value: unknown = Taro.getStorageSync(key);
      return typeof value === 'string' && value ? value : null;
    },
    set(token) {
      Taro.setStorageSync(key, token);
    },
    clear() {
      Taro.removeStorageSync(key);
    },
  };
}

/** Shoppers and clerks are different identities; a clerk's phone may also hold a member card. */
export const memberToken = storedToken('allycard.memberToken');
export const staffToken = storedToken('allycard.staffToken');

export const memberApi = createClient({
  baseUrl: API_BASE_URL,
  transport: taroTransport,
  getToken: memberToken.get,
});
export const staffApi = createClient({
  baseUrl: API_BASE_URL,
  transport: taroTransport,
  getToken: staffToken.get,
});
