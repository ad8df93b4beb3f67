import { useCallback, useRef, useState } from 'react';
import Taro, { useDidShow } from '@tarojs/taro';
import { errorMessage, toastError } from './errors';
import { ROUTES } from './routes';
import { withMember } from './session';

export type LoadState<T> =
  { status: 'loading' } | { status: 'ready'; data: T } | { status: 'error'; message: string };

/**
 * What every member page does: load its data on each show (signing in silently when needed), send a
 * shopper who never joined to the join page (or, for a page a visitor may see, load its `guest` view),
 * show an error state only when nothing was shown yet and a toast with the server's message otherwise.
 */
export function useMemberPage<T>(loader: () => Promise<T>, options: { guest?: () => Promise<T> } = {}) {
  const [state, setState] = useState<LoadState<T>>({ status: 'loading' });
  const loaded = useRef(false);
  const loaderRef = useRef(loader);
  loaderRef.current = loader;
  const guestRef = useRef(options.guest);
  guestRef.current = options.guest;

  const reload = useCallback(async () => {
    if (!loaded.current) setState({ status: 'loading' });
    try {
      let data = await withMember(() => loaderRef.current());
      if (data === null) {
        if (!guestRef.current) {
          await Taro.redirectTo({ url: ROUTES.join });
          return;
        }
        data = await guestRef.current();
      }
      loaded.current = true;
      setState({ status: 'ready', data });
    } catch (error) {
      if (!loaded.current) setState({ status: 'error', message: errorMessage(error) });
      toastError(error);
    }
  }, []);

  /** Changes the data shown, e.g. after an action answered with the new state of one row. */
  const update = useCallback((change: (data: T) => T) => {
    setState((prev) => (prev.status === 'ready' ? { status: 'ready', data: change(prev.data) } : prev));
  }, []);

  useDidShow(() => void reload());
  return { state, reload, update };
}
