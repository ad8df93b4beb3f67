import { useMemo, type ReactNode } from 'react';
import Taro from '@tarojs/taro';
import type { Payer, PayerAnswer, PayRequest } from '../services/payment';

/** WeChat's answer when the shopper closes the cashier: a choice, not an error. */
const CANCELLED = /cancel/i;

/** weapp: WeChat's own cashier with the JSAPI fields the server signed. */
export async function requestWechatPayment({ payParams }: PayRequest): Promise<PayerAnswer> {
  try {
    await Taro.requestPayment({
      timeStamp: payParams.timeStamp,
      nonceStr: payParams.nonceStr,
      package: payParams.package,
      signType: payParams.signType as keyof Taro.requestPayment.SignType,
      paySign: payParams.paySign,
    });
    return { status: 'confirmed' };
  } catch (error) {
    const errMsg = String((error as { errMsg?: unknown } | null)?.errMsg ?? '');
    if (CANCELLED.test(errMsg)) return { status: 'cancelled' };
    return { status: 'failed', message: '微信支付没有完成，请稍后重试' };
  }
}

/** weapp: WeChat draws the cashier itself, so there is no sheet to render. */
export function usePayer(): { payer: Payer; sheet: ReactNode } {
  return useMemo(() => ({ payer: { pay: requestWechatPayment }, sheet: null }), []);
}
