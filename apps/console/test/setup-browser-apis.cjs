// Browser APIs jsdom lacks or gets wrong for antd and ECharts, defined before any module reads them
// (size-sensor, under echarts-for-react, picks its strategy when loaded).
if (globalThis.window) {
  const window = globalThis.window;
  // jsdom implements getComputedStyle without pseudo-elements (antd asks for the scrollbar's)
  const computed = window.getComputedStyle.bind(window);
  window.getComputedStyle = (elt) => computed(elt);
  // antd reads media queries (responsive grid); a system asking for reduced motion, so the charts
  // draw without animating
  Object.defineProperty(window, 'matchMedia', {
    configurable: true,
    value: (query) => ({
      matches: query === '(prefers-reduced-motion: reduce)',
      media: query,
      addListener: () => {},
      removeListener: () => {},
      addEventListener: () => {},
      removeEventListener: () => {},
      dispatchEvent: () => false,
      onchange: null,
    }),
  });
  // observing nothing is what jsdom's layout gives
  if (!globalThis.ResizeObserver)
    globalThis.ResizeObserver = class ResizeObserver {
      observe() {}
      unobserve() {}
      disconnect() {}
    };
}
