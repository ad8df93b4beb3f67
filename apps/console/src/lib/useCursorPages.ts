import type { Page } from '@allycard/contracts';
import { useCallback, useEffect, useRef, useState } from 'react';
import { showError } from './feedback';

export interface CursorPages<T> {
  items: T[];
  /** more rows behind the server's cursor */
  hasMore: boolean;
  loading: boolean;
  /** the first page failed to load (its message was shown) */
  failed: boolean;
  loadMore: () => Promise<void>;
  reload: () => Promise<void>;
}

/**
 * A cursor-paginated list ({items, nextCursor}), page after page. When `deps` change the list
 * starts over; an answer to an older query or an earlier reload is dropped, so fast typing never
 * shows stale rows.
 */
export function useCursorPages<T>(
  fetch: (cursor: string | undefined) => Promise<Page<T>>,
  deps: unknown[],
): CursorPages<T> {
  const [items, setItems] = useState<T[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [failed, setFailed] = useState(false);
  const seq = useRef(0);
  const run = useCallback(fetch, deps);

  const load = useCallback(
    async (after: string | null) => {
      const mine = ++seq.current;
      setLoading(true);
      try {
        const page = await run(after ?? undefined);
        if (mine !== seq.current) return;
        setItems((current) => (after ? [...current, ...page.items] : page.items));
        setCursor(page.nextCursor);
        setFailed(false);
      } catch (error) {
        if (mine !== seq.current) return;
        if (!after) {
          setItems([]);
          setCursor(null);
          setFailed(true);
        }
        showError(error);
      } finally {
        if (mine === seq.current) setLoading(false);
      }
    },
    [run],
  );

  useEffect(() => {
    void load(null);
  }, [load]);

  return {
    items,
    hasMore: cursor !== null,
    loading,
    failed,
    loadMore: () => (cursor ? load(cursor) : Promise.resolve()),
    reload: () => load(null),
  };
}
