import { cleanup } from '@testing-library/react';
import { taroTest } from './__mocks__/taro';

// NutUI's icons set a `-webkitMask` inline style meant for mini-program renderers; React in jsdom
// warns about the spelling. Everything else still fails loudly.
const consoleError = console.error.bind(console);
jest.spyOn(console, 'error').mockImplementation((...args: unknown[]) => {
  // React passes the property as a format argument ("Unsupported style property %s")
  if (args.some((arg) => typeof arg === 'string' && arg.includes('-webkitMask'))) return;
  // NutUI's Dialog animates with react-transition-group, which still calls findDOMNode
  if (typeof args[0] === 'string' && args[0].includes('findDOMNode is deprecated')) return;
  consoleError(...args);
});

afterEach(() => {
  cleanup();
  taroTest.reset();
  window.localStorage.clear();
});
