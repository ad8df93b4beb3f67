import type { PaymentOutcome } from '../../services/payment';
import { ROUTES, withQuery } from '../../services/routes';

/** Where the pay flow lands: the result page, told when the payer cancelled or failed. */
export function resultUrl(orderId: string, outcome: PaymentOutcome | null): string {
  const state = outcome?.status === 'cancelled' || outcome?.status === 'failed' ? outcome.status : undefined;
  return withQuery(ROUTES.payResult, { id: orderId, state });
}
