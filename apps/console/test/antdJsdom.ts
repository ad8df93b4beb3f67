/**
 * What antd needs from jsdom: getComputedStyle without pseudo-elements (antd asks for the
 * scrollbar's) and matchMedia (the responsive grid). Call it in a beforeAll.
 */
export function prepareAntdJsdom(): void {
  const computed = window.getComputedStyle.bind(window);
  window.getComputedStyle = (elt: Element) => computed(elt);
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
