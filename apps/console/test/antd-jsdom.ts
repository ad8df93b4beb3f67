/** What antd needs from jsdom to render drawers, grids and forms in a test; call in beforeAll. */
export function prepareAntdInJsdom(): void {
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
