import { getCurrentInstance, getEnterOptionsSync } from './__mocks__/taro';
import { createSceneReader, pickScene, readSceneSources } from '../src/services/scene';

function openJoinPage(
  params: Record<string, string>,
  enter?: { path: string; query: Record<string, string> },
) {
  getCurrentInstance.mockReturnValue({ router: { params } });
  getEnterOptionsSync.mockReturnValue({
    scene: 1047,
    ...(enter ?? { path: 'pages/index/index', query: {} }),
  });
}

describe('readSceneSources', () => {
  it('decodes the URI-encoded scene weapp puts in the page params', () => {
    openJoinPage({ scene: encodeURIComponent('m=12&s=3') });
    expect(readSceneSources()).toEqual({ params: 'm=12&s=3', enter: null });
  });

  it('reads the enter options only when that start opened the join page', () => {
    openJoinPage({}, { path: 'pages/join/index', query: { scene: 'abc123' } });
    expect(readSceneSources()).toEqual({ params: null, enter: 'abc123' });
    openJoinPage({}, { path: '/pages/card/index', query: { scene: 'abc123' } });
    expect(readSceneSources().enter).toBeNull();
  });

  it('drops values that cannot be a 小程序码 scene', () => {
    openJoinPage({ scene: 'x'.repeat(40) });
    expect(readSceneSources().params).toBeNull();
  });
});

describe('pickScene', () => {
  it('prefers the page params on the first look, then the enter options', () => {
    expect(pickScene({ params: 'a', enter: 'b' }, null, null)).toBe('a');
    expect(pickScene({ params: null, enter: 'b' }, null, null)).toBe('b');
    expect(pickScene({ params: null, enter: null }, null, null)).toBeNull();
  });

  it('takes a new scan that shows up only in the enter options (WeChat kept the page alive)', () => {
    expect(pickScene({ params: 'a', enter: 'b' }, { params: 'a', enter: 'a' }, 'a')).toBe('b');
  });

  it('takes new page params after an in-app navigation', () => {
    expect(pickScene({ params: 'c', enter: 'a' }, { params: 'a', enter: 'a' }, 'a')).toBe('c');
  });

  it('keeps the current scene when nothing changed', () => {
    expect(pickScene({ params: 'a', enter: 'b' }, { params: 'a', enter: 'b' }, 'b')).toBe('b');
  });
});

describe('createSceneReader', () => {
  it('follows a second scan across shows of the same page instance', () => {
    const reader = createSceneReader();
    openJoinPage({ scene: 'shop1' }, { path: 'pages/join/index', query: { scene: 'shop1' } });
    expect(reader()).toBe('shop1');
    // hidden, then a hot start from another merchant's code; the page's own params are stale
    openJoinPage({ scene: 'shop1' }, { path: 'pages/join/index', query: { scene: 'shop2' } });
    expect(reader()).toBe('shop2');
    expect(reader()).toBe('shop2');
  });
});
