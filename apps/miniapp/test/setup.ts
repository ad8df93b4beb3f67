import { cleanup } from '@testing-library/react';
import { taroTest } from './__mocks__/taro';

// NutUI's icons set a `-webkitMask` inline style meant for mini-program renderers; React in jsdom
// warns about the spelling. Everything else still fails loudly.
const consoleError = console.error.bind(console);
jest.spyOn(console, 'error').mockImplementation((...args: unknown[]) => {
  if (typeof args[0] === 'string' && args[0].includes('-webkitMask')) return;
  consoleError(...args);
});

afterEach(() => {
  cleanup();
  taroTest.reset();
  window.localStorage.clear();
});
