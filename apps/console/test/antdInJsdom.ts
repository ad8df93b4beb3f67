/** What antd needs from a browser that jsdom lacks; call once per test file, in beforeAll. */
export function antdInJsdom(): void {
  // jsdom implements getComputedStyle without pseudo-elements (antd asks for the scrollbar's)
  const computed = window.getComputedStyle.bind(window);
  window.getComputedStyle = (elt: Element) => computed(elt);
  // antd reads media queries (responsive grid) and computed styles; jsdom has no matchMedia
  Object.defineProperty(window, 'matchMedia', {
    configurable: true,
    value: (query: string) => ({
      matches: false,
      media: query,
      addListener: () => {},
      removeListener: () => {},
      addEventListener: () => {},
      removeEventListener: () => {},
      dispatchEvent: () => false,
      onchange: null,
    }),
  });
}
