import { createElement, useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import type * as weapp from './pay';
import { hasCode, toastError } from '../services/errors';
import type { Payer, PayerAnswer, PayRequest } from '../services/payment';
import { PaySheet } from './pay-sheet.h5';
import { sandboxConfirmPayment } from './sandbox.h5';

// Taro picks a `.h5` twin only with the same extension as the weapp file (pay.ts), so the sheet's
// JSX lives in pay-sheet.h5.tsx.

/**
 * h5: `pay` opens the sheet and answers once the shopper confirms (the sandbox accepted the payment
 * and sent its notification to the server) or closes it.
 */
export function usePayer(): { payer: Payer; sheet: ReactNode } {
  const [request, setRequest] = useState<PayRequest | null>(null);
  const [busy, setBusy] = useState(false);
  const answerRef = useRef<((answer: PayerAnswer) => void) | null>(null);

  const finish = useCallback((answer: PayerAnswer) => {
    const resolve = answerRef.current;
    answerRef.current = null;
    setRequest(null);
    resolve?.(answer);
  }, []);

  // A page left while the sheet is open: the payment was not made.
  useEffect(() => () => finish({ status: 'cancelled' }), [finish]);

  const payer = useMemo<Payer>(
    () => ({
      pay: (next) =>
        new Promise<PayerAnswer>((resolve) => {
          answerRef.current?.({ status: 'cancelled' });
          answerRef.current = resolve;
          setRequest(next);
        }),
    }),
    [],
  );

  const confirm = async () => {
    if (!request || busy) return;
    setBusy(true);
    try {
      await sandboxConfirmPayment(request.outTradeNo);
      finish({ status: 'confirmed' });
    } catch (error) {
      // paid meanwhile (another tab, a retry): the server decides, as after any confirmation
      if (hasCode(error, 409, 'ALREADY_PAID')) finish({ status: 'confirmed' });
      else toastError(error);
    } finally {
      setBusy(false);
    }
  };

  const sheet = createElement(PaySheet, {
    request,
    busy,
    onConfirm: () => void confirm(),
    onCancel: () => {
      if (!busy) finish({ status: 'cancelled' });
    },
  });
  return { payer, sheet };
}

usePayer satisfies typeof weapp.usePayer;
