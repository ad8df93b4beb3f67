/**
 * @tarojs/taro for jsdom: jest.fn() APIs, in-memory storage, and page lifecycle hooks that tests can
 * fire again (`taroTest.show()` / `taroTest.hide()`), since a tab page is shown many times.
 */
import { useEffect, useRef } from 'react';

type Listener = () => void;
const showListeners = new Set<{ current: Listener }>();
const hideListeners = new Set<{ current: Listener }>();
const storage = new Map<string, unknown>();

function lifecycle(set: Set<{ current: Listener }>, runOnMount: boolean) {
  return function useLifecycle(fn: Listener) {
    const ref = useRef(fn);
    ref.current = fn;
    useEffect(() => {
      set.add(ref);
      if (runOnMount) ref.current();
      return () => {
        set.delete(ref);
      };
    }, []);
  };
}

export const useLoad = lifecycle(new Set(), true);
export const useDidShow = lifecycle(showListeners, true);
export const useDidHide = lifecycle(hideListeners, false);
export const useUnload = lifecycle(new Set(), false);
export const useReady = lifecycle(new Set(), true);

export const ENV_TYPE = { WEAPP: 'WEAPP', WEB: 'WEB', RN: 'RN', HARMONY: 'HARMONY' };
export const getEnv = jest.fn(() => 'WEB');

const defaults = {
  request: () => Promise.reject(new Error('Taro.request not mocked in this test')),
  login: () => Promise.resolve({ code: 'wx-login-code', errMsg: 'login:ok' }),
  scanCode: () => Promise.reject({ errMsg: 'scanCode:fail cancel' }),
  showToast: () => Promise.resolve(),
  hideToast: () => undefined,
  showLoading: () => undefined,
  hideLoading: () => undefined,
  switchTab: () => Promise.resolve(),
  redirectTo: () => Promise.resolve(),
  navigateTo: () => Promise.resolve(),
  reLaunch: () => Promise.resolve(),
  navigateBack: () => Promise.resolve(),
  getCurrentInstance: () => ({ router: { params: {} as Record<string, string | undefined> } }),
  getEnterOptionsSync: () => ({ path: '', query: {} as Record<string, string | undefined>, scene: 1001 }),
  getSystemInfoSync: () => ({ windowWidth: 375, windowHeight: 812, pixelRatio: 2, platform: 'devtools' }),
  getStorageSync: (key: string) => (storage.has(key) ? storage.get(key) : ''),
  setStorageSync: (key: string, value: unknown) => void storage.set(key, value),
  removeStorageSync: (key: string) => void storage.delete(key),
};
type Defaults = typeof defaults;
const fns = {} as { [K in keyof Defaults]: jest.Mock<any, any> };
for (const key of Object.keys(defaults) as (keyof Defaults)[]) fns[key] = jest.fn(defaults[key] as never);

export const {
  request,
  login,
  scanCode,
  showToast,
  hideToast,
  showLoading,
  hideLoading,
  switchTab,
  redirectTo,
  navigateTo,
  reLaunch,
  navigateBack,
  getCurrentInstance,
  getEnterOptionsSync,
  getSystemInfoSync,
  getStorageSync,
  setStorageSync,
  removeStorageSync,
} = fns;
export const nextTick = (fn: () => void) => setTimeout(fn, 0);
export const createSelectorQuery = jest.fn(() => {
  const query = {
    select: () => query,
    selectAll: () => query,
    boundingClientRect: () => query,
    exec: (cb?: (res: unknown[]) => void) => cb?.([]),
  };
  return query;
});
export const pxTransform = (n: number) => `${n}px`;

/** Test controls, not part of Taro. */
export const taroTest = {
  show() {
    showListeners.forEach((l) => l.current());
  },
  hide() {
    hideListeners.forEach((l) => l.current());
  },
  reset() {
    for (const key of Object.keys(defaults) as (keyof Defaults)[]) {
      fns[key].mockReset();
      fns[key].mockImplementation(defaults[key] as never);
    }
    storage.clear();
    showListeners.clear();
    hideListeners.clear();
  },
  storage,
};

const Taro = {
  ENV_TYPE,
  getEnv,
  request,
  login,
  scanCode,
  showToast,
  hideToast,
  showLoading,
  hideLoading,
  switchTab,
  redirectTo,
  navigateTo,
  reLaunch,
  navigateBack,
  getCurrentInstance,
  getEnterOptionsSync,
  getSystemInfoSync,
  nextTick,
  createSelectorQuery,
  pxTransform,
  getStorageSync,
  setStorageSync,
  removeStorageSync,
  useLoad,
  useDidShow,
  useDidHide,
  useUnload,
  useReady,
};

export default Taro;
