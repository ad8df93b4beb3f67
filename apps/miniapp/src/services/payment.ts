import { useMemo, type ReactNode } from 'react';
import Taro from '@tarojs/taro';
import { usePayer } from '../platform/pay';
import { memberApi } from './api';
import { errorMessage } from './errors';
import type { OrderDetail, PayParams } from '@allycard/contracts';

/** What the payer (WeChat's cashier, or the sandbox sheet on h5) is asked to pay. */
export interface PayRequest {
  orderId: string;
  outTradeNo: string;
  payableFen: number;
  /** who gets the money, as the cashier names them */
  payee: string;
  payParams: PayParams;
}

/**
 * What the payer says. `confirmed` only means the payer went through with it: the order is paid when
 * WeChat's payment notification reaches the server, never because the phone says so.
 */
export type PayerAnswer =
  { status: 'confirmed' } | { status: 'cancelled' } | { status: 'failed'; message: string };

export interface Payer {
  pay(request: PayRequest): Promise<PayerAnswer>;
}

export type PaymentOutcome =
  | { status: 'paid'; order: OrderDetail }
  /** the payer confirmed, but the server has not heard from WeChat yet */
  | { status: 'pending' }
  | { status: 'cancelled' }
  | { status: 'failed'; message: string };

/** Short and bounded: about 11 s in all. The notification usually lands before the first look. */
export const PAID_POLL_DELAYS_MS: readonly number[] = [0, 500, 800, 1200, 1500, 2000, 2500, 3000];

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Asks GET /orders/:id until the order is no longer pending, a few times. A failed look (network) is
 * just another try. Null when the order still waits (or could not be read) at the end.
 */
export async function waitUntilSettled(
  orderId: string,
  delays: readonly number[] = PAID_POLL_DELAYS_MS,
  wait: (ms: number) => Promise<void> = sleep,
): Promise<OrderDetail | null> {
  for (const delay of delays) {
    if (delay > 0) await wait(delay);
    try {
      const order = await memberApi.order(orderId);
      if (order.status !== 'pending') return order;
    } catch {
      // keep looking; the result page can look again later
    }
  }
  return null;
}

/** Pays through `payer`, then waits for the server to confirm the payment. */
export async function payOrder(payer: Payer, request: PayRequest): Promise<PaymentOutcome> {
  let answer: PayerAnswer;
  try {
    answer = await payer.pay(request);
  } catch (error) {
    return { status: 'failed', message: errorMessage(error) };
  }
  if (answer.status !== 'confirmed') return answer;
  void Taro.showLoading({ title: '正在确认支付结果', mask: true });
  try {
    const order = await waitUntilSettled(request.orderId);
    if (!order) return { status: 'pending' };
    if (order.status === 'closed') return { status: 'failed', message: '订单已关闭，请重新下单' };
    return { status: 'paid', order };
  } finally {
    Taro.hideLoading();
  }
}

export interface Payment {
  pay(request: PayRequest): Promise<PaymentOutcome>;
  /** the h5 sandbox cashier; render it somewhere on the page (null on weapp, where WeChat draws it) */
  sheet: ReactNode;
}

/** The pay flow for a page: WeChat's cashier (or the sandbox sheet), then the server's word. */
export function usePayment(): Payment {
  const { payer, sheet } = usePayer();
  const pay = useMemo(() => (request: PayRequest) => payOrder(payer, request), [payer]);
  return { pay, sheet };
}
