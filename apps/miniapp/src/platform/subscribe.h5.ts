import type * as weapp from './subscribe';
import { subscribeGate, type SubscribeItem } from '../services/subscribe-gate';

/** h5 has no WeChat dialog: the page's <SubscribeSheet> asks the same question, at most 3 at a time. */
export function requestSubscribe(items: SubscribeItem[]) {
  return subscribeGate.ask(items.slice(0, 3));
}

requestSubscribe satisfies typeof weapp.requestSubscribe;
