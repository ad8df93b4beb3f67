import Taro from '@tarojs/taro';
import { decodeScene } from '@allycard/domain';

export const JOIN_PAGE = 'pages/join/index';

/** Where a join page can learn its 小程序码 scene from, decoded (weapp hands it over URI-encoded). */
export interface SceneSources {
  /** the page's own query (`router.params.scene`) */
  params: string | null;
  /** the query of the latest cold or hot start, when that start opened the join page */
  enter: string | null;
}

export function readSceneSources(): SceneSources {
  let enter: string | null = null;
  try {
    const options = Taro.getEnterOptionsSync?.();
    if (options && (options.path ?? '').replace(/^\//, '') === JOIN_PAGE)
      enter = decodeScene(options.query?.scene);
  } catch {
    enter = null;
  }
  const params = Taro.getCurrentInstance()?.router?.params ?? {};
  return { params: decodeScene(params.scene), enter };
}

/**
 * Which scene counts now. WeChat can keep the join page alive across scans, so on show a source whose
 * value changed since the last look wins: a new scan shows up in the enter options, an in-app
 * navigation in the page params. On the first look the page's own params come first.
 */
export function pickScene(
  now: SceneSources,
  before: SceneSources | null,
  current: string | null,
): string | null {
  if (!before) return now.params ?? now.enter;
  if (now.enter && now.enter !== before.enter) return now.enter;
  if (now.params && now.params !== before.params) return now.params;
  return current ?? now.params ?? now.enter;
}

/** Reads the scene on load and again on every show, remembering what it saw. */
export function createSceneReader(read: () => SceneSources = readSceneSources) {
  let before: SceneSources | null = null;
  let current: string | null = null;
  return () => {
    const now = read();
    current = pickScene(now, before, current);
    before = now;
    return current;
  };
}
