import type { SubscribeAnswer } from '@allycard/contracts';

/** One message the app asks to send, as the opt-in sheet lists it. */
export interface SubscribeItem {
  templateId: string;
  /** what the shopper gets, addressed to 你: 优惠券快到期时提醒你 */
  label: string;
}

/**
 * h5 stands in for WeChat's requestSubscribeMessage dialog: the platform layer asks (`ask`), the
 * page's <SubscribeSheet> shows the messages and answers. Null when the shopper closed it.
 */
export interface SubscribeQuestion {
  items: SubscribeItem[];
  answer: (results: Record<string, SubscribeAnswer> | null) => void;
}

type Listener = (question: SubscribeQuestion | null) => void;
const listeners = new Set<Listener>();
let pending: SubscribeQuestion | null = null;

function publish(question: SubscribeQuestion | null) {
  pending = question;
  listeners.forEach((listener) => listener(question));
}

export const subscribeGate = {
  ask(items: SubscribeItem[]): Promise<Record<string, SubscribeAnswer> | null> {
    pending?.answer(null);
    return new Promise((resolve) => {
      publish({
        items,
        answer: (results) => {
          publish(null);
          resolve(results);
        },
      });
    });
  },
  subscribe(listener: Listener): () => void {
    listeners.add(listener);
    listener(pending);
    return () => listeners.delete(listener);
  },
};
