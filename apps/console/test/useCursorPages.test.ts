import type { Page } from '@allycard/contracts';
import { act, renderHook, waitFor } from '@testing-library/react';
import { useCursorPages } from '../src/lib/useCursorPages';

/** A list the test answers by hand: each call waits until the test resolves it. */
function pending() {
  const calls: { args: [string, string | undefined]; resolve: (page: Page<string>) => void }[] = [];
  const fetch = (query: string, cursor: string | undefined) =>
    new Promise<Page<string>>((resolve) => calls.push({ args: [query, cursor], resolve }));
  return { calls, fetch };
}

describe('useCursorPages', () => {
  it('appends the next page by its cursor until there is none', async () => {
    const list = pending();
    const { result } = renderHook(() => useCursorPages((c) => list.fetch('all', c), ['all']));
    expect(result.current.loading).toBe(true);
    await act(async () => list.calls[0].resolve({ items: ['a', 'b'], nextCursor: 'c1' }));
    expect(result.current).toMatchObject({ items: ['a', 'b'], hasMore: true, loading: false });

    void act(() => void result.current.loadMore());
    await waitFor(() => expect(list.calls).toHaveLength(2));
    expect(list.calls[1].args).toEqual(['all', 'c1']);
    await act(async () => list.calls[1].resolve({ items: ['c'], nextCursor: null }));
    expect(result.current).toMatchObject({ items: ['a', 'b', 'c'], hasMore: false });
  });

  it('starts over on a new query and drops the answer to the old one', async () => {
    const list = pending();
    const { result, rerender } = renderHook(({ q }) => useCursorPages((c) => list.fetch(q, c), [q]), {
      initialProps: { q: '小' },
    });
    rerender({ q: '小林' });
    await waitFor(() => expect(list.calls).toHaveLength(2));
    await act(async () => list.calls[1].resolve({ items: ['小林'], nextCursor: null }));
    // The slower answer to the first query comes last: it must not replace the rows.
    await act(async () => list.calls[0].resolve({ items: ['小林', '小周'], nextCursor: 'x' }));
    expect(result.current).toMatchObject({ items: ['小林'], hasMore: false, loading: false });
  });

  it('fails the first page into the error state, and a reload recovers', async () => {
    let fail = true;
    const fetch = async (): Promise<Page<string>> => {
      if (fail) throw new TypeError('Failed to fetch');
      return { items: ['a'], nextCursor: null };
    };
    const { result } = renderHook(() => useCursorPages(fetch, []));
    await waitFor(() => expect(result.current.failed).toBe(true));
    expect(result.current.items).toEqual([]);
    fail = false;
    await act(() => result.current.reload());
    expect(result.current).toMatchObject({ items: ['a'], failed: false });
  });
});
