/**
 * @tarojs/taro for jsdom: jest.fn() APIs, in-memory storage, and page lifecycle hooks that tests can
 * fire again (`taroTest.show()` / `taroTest.hide()`), since a tab page is shown many times.
 */
import { useEffect, useRef } from 'react';

type Listener = () => void;
const showListeners = new Set<{ current: Listener }>();
const hideListeners = new Set<{ current: Listener }>();
const reachBottomListeners = new Set<{ current: Listener }>();
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
export const useReachBottom = lifecycle(reachBottomListeners, false);
/** What the page registered for WeChat's share sheet (weapp only; h5 pages never call it). */
export const useShareAppMessage = jest.fn();
/** The page's router: the same `params` tests give getCurrentInstance. */
export const useRouter = () => getCurrentInstance().router ?? { params: {} };

/** Taro's event bus, which NutUI's Dialog and Toast talk through. */
const handlers = new Map<string, Set<(...args: unknown[]) => void>>();
export const eventCenter = {
  on(name: string, fn: (...args: unknown[]) => void) {
    if (!handlers.has(name)) handlers.set(name, new Set());
    handlers.get(name)!.add(fn);
    return eventCenter;
  },
  off(name: string, fn?: (...args: unknown[]) => void) {
    if (fn) handlers.get(name)?.delete(fn);
    else handlers.delete(name);
    return eventCenter;
  },
  trigger(name: string, ...args: unknown[]) {
    handlers.get(name)?.forEach((fn) => fn(...args));
    return eventCenter;
  },
};

export const ENV_TYPE = { WEAPP: 'WEAPP', WEB: 'WEB', RN: 'RN', HARMONY: 'HARMONY' };
export const getEnv = jest.fn(() => 'WEB');

const defaults = {
  request: () => Promise.reject(new Error('Taro.request not mocked in this test')),
  login: () => Promise.resolve({ code: 'wx-login-code', errMsg: 'login:ok' }),
  scanCode: () => Promise.reject({ errMsg: 'scanCode:fail cancel' }),
  requestPayment: () => Promise.resolve({ errMsg: 'requestPayment:ok' }),
  showToast: () => Promise.resolve(),
  setClipboardData: () => Promise.resolve({ errMsg: 'setClipboardData:ok' }),
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
  getLocation: () => Promise.reject({ errMsg: 'getLocation:fail auth deny' }),
  openLocation: () => Promise.resolve({ errMsg: 'openLocation:ok' }),
  makePhoneCall: () => Promise.resolve({ errMsg: 'makePhoneCall:ok' }),
  requirePrivacyAuthorize: (options: { success?: () => void }) => options.success?.(),
  requestSubscribeMessage: () => Promise.reject({ errMsg: 'requestSubscribeMessage:fail not mocked' }),
};
type Defaults = typeof defaults;
const fns = {} as { [K in keyof Defaults]: jest.Mock<any, any> };
for (const key of Object.keys(defaults) as (keyof Defaults)[]) fns[key] = jest.fn(defaults[key] as never);

export const {
  request,
  login,
  scanCode,
  requestPayment,
  showToast,
  setClipboardData,
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
  getLocation,
  openLocation,
  makePhoneCall,
  requirePrivacyAuthorize,
  requestSubscribeMessage,
} = fns;
export const nextTick = (fn: () => void) => setTimeout(fn, 0);
export const createSelectorQuery = jest.fn(() => {
  const query = {
    select: () => query,
    selectAll: () => query,
    boundingClientRect: () => query,
    // one (empty) answer per query, as when nothing on the page matched: NutUI's Tabs reads res[0]
    exec: (cb?: (res: unknown[]) => void) => cb?.([[]]),
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
  /** the page was scrolled to its end */
  reachBottom() {
    reachBottomListeners.forEach((l) => l.current());
  },
  reset() {
    for (const key of Object.keys(defaults) as (keyof Defaults)[]) {
      fns[key].mockReset();
      fns[key].mockImplementation(defaults[key] as never);
    }
    storage.clear();
    showListeners.clear();
    hideListeners.clear();
    reachBottomListeners.clear();
    handlers.clear();
    useShareAppMessage.mockReset();
  },
  storage,
};

const Taro = {
  ENV_TYPE,
  getEnv,
  request,
  login,
  scanCode,
  requestPayment,
  showToast,
  setClipboardData,
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
  eventCenter,
  nextTick,
  createSelectorQuery,
  pxTransform,
  getStorageSync,
  setStorageSync,
  removeStorageSync,
  getLocation,
  openLocation,
  makePhoneCall,
  requirePrivacyAuthorize,
  requestSubscribeMessage,
  useLoad,
  useDidShow,
  useDidHide,
  useUnload,
  useReady,
  useReachBottom,
  useShareAppMessage,
  useRouter,
};

export default Taro;
