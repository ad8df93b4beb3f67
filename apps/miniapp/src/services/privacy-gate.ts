/**
 * One privacy sheet at a time: the platform layer asks (`ask`) before a personal-data API, a page's
 * <PrivacyGateSheet> shows the question and answers it. Agreeing or not settles the promise.
 */
export interface PrivacyQuestion {
  /** why the app needs it now, shown in the sheet */
  reason: string;
  answer: (agreed: boolean) => void;
}

type Listener = (question: PrivacyQuestion | null) => void;
const listeners = new Set<Listener>();
let pending: PrivacyQuestion | null = null;

function publish(question: PrivacyQuestion | null) {
  pending = question;
  listeners.forEach((listener) => listener(question));
}

export const privacyGate = {
  ask(reason: string): Promise<boolean> {
    pending?.answer(false);
    return new Promise((resolve) => {
      publish({
        reason,
        answer: (agreed) => {
          publish(null);
          resolve(agreed);
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
