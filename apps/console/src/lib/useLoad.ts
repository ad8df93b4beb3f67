import { useCallback, useEffect, useRef, useState } from 'react';
import { showError } from './feedback';

export interface Loaded<T> {
  data: T | undefined;
  loading: boolean;
  /** the last load failed (its message was already shown) */
  failed: boolean;
  reload: () => Promise<void>;
  /** replaces the data locally, e.g. with the answer of an update */
  set: (update: (current: T | undefined) => T | undefined) => void;
}

/** Loads `fetch()` on mount and whenever `deps` change; errors are shown as a toast. */
export function useLoad<T>(fetch: () => Promise<T>, deps: unknown[] = []): Loaded<T> {
  const [data, setData] = useState<T>();
  const [loading, setLoading] = useState(true);
  const [failed, setFailed] = useState(false);
  const seq = useRef(0);
  const run = useCallback(fetch, deps);

  const reload = useCallback(async () => {
    const mine = ++seq.current;
    setLoading(true);
    try {
      const value = await run();
      if (mine === seq.current) {
        setData(value);
        setFailed(false);
      }
    } catch (error) {
      if (mine === seq.current) setFailed(true);
      showError(error);
    } finally {
      if (mine === seq.current) setLoading(false);
    }
  }, [run]);

  useEffect(() => {
    void reload();
  }, [reload]);

  return { data, loading, failed, reload, set: setData as Loaded<T>['set'] };
}
