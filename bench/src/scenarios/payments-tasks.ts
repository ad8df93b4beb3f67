// The payments benchmark's operations: each HTTP request and each baseline step, counted as an Outcome.
import { compactBusinessDate, toRfc3339Shanghai } from '@allycard/domain';
import type { AdminMerchant, CreatedOrder } from '@allycard/contracts';
import { merchantSignatureMessage, signMessage, verifyMessage } from '@allycard/wechat-sandbox';
import { randomBytes, type KeyObject } from 'node:crypto';
import { answerCode } from '../lib/http.js';
import { countAnswer, timed } from '../lib/pool.js';
import type { Measured } from '../lib/stats.js';
import type { BenchContext, Outcome } from '../lib/types.js';
import {
  verifyAndDecrypt,
  type CraftedNotification,
  type PaidTransaction,
  type PayKeyRing,
} from '../lib/wechat-pay.js';
import type { PayKey } from './payments-report.js';
import { applyPayment, insertOrder, orderStatus, type NewOrder, type PaymentRules } from './payments-sql.js';

export interface PaySizes {
  orders: number;
  rounds: number;
  concurrency: number;
  warmup: number;
  sample: number;
  sampleConcurrency: number;
  merchants: number;
}

export interface PayState extends PaymentRules {
  rounds: number;
  ctx: BenchContext;
  sizes: PaySizes;
  ring: PayKeyRing;
  /** The baseline signs with a merchant key of the server's size (the server's own stays in it). */
  merchantKey: KeyObject;
  merchantKeyPem: string;
  merchantBits: number;
  merchants: AdminMerchant[];
  /** WeChat's answer to a prepay, signed once: the create baseline checks its signature per order. */
  answer: { message: string; signature: string };
  tradeSeq: number;
  byKey: Map<PayKey, Measured[]>;
  /** Every order this benchmark made; each must end up paid once. */
  allOrders: NewOrder[];
  problems: string[];
  dupChanges: string[];
  cold: { n: number; codes: Record<string, number> };
}

// Amounts stay small (8–57 yuan): no member reaches the next tier in this run, so the baseline's tier
// check never has to upgrade anyone.
export const amountOf = (i: number) => 800 + (i % 50) * 100;

export function orderFor(s: PayState, i: number, prefix: string): NewOrder {
  const tradeNo = `${prefix}${compactBusinessDate(new Date())}${s.ctx.runId.slice(-4)}${String(++s.tradeSeq).padStart(8, '0')}`;
  return {
    memberId: s.ctx.members[i % s.ctx.members.length]!.memberId,
    merchantId: s.merchants[i % s.merchants.length]!.id,
    outTradeNo: tradeNo,
    payableFen: amountOf(i), // every member is on the base tier (discount 1000‰): payable = amount
  };
}

/** POST /api/v1/orders {merchantId, amountFen}; the order lands in out[i]. */
export const httpCreate = (s: PayState, out: (NewOrder | undefined)[]) => (i: number) => {
  const m = s.ctx.members[i % s.ctx.members.length]!;
  const merchantId = s.merchants[i % s.merchants.length]!.id;
  return countAnswer(
    () =>
      s.ctx.api<CreatedOrder>('POST', '/orders', {
        token: m.token,
        body: { merchantId, amountFen: amountOf(i) },
      }),
    (res) => {
      const o = res.status === 201 ? res.body.order : undefined;
      if (!o?.outTradeNo || !res.body.payParams?.paySign)
        return { outcome: 'error', code: answerCode(res, 201) };
      out[i] = {
        id: String(o.id),
        outTradeNo: o.outTradeNo,
        payableFen: o.payableFen,
        memberId: m.memberId,
        merchantId,
      };
      return { outcome: 'ok', code: '201' };
    },
  );
};

/** What a prepay cannot avoid, here: sign the JSAPI request, check the answer, sign paySign, INSERT. */
export const sqlCreate = (s: PayState, out: (NewOrder | undefined)[]) => (i: number) =>
  timed(async () => {
    const { keys } = s.ring;
    const o = orderFor(s, i, 'BN');
    const now = new Date();
    const ts = String(Math.floor(now.getTime() / 1000));
    const nonce = randomBytes(16).toString('hex');
    const prepayBody = JSON.stringify({
      appid: keys.appid,
      mchid: keys.mchid,
      description: `${s.merchants[i % s.merchants.length]!.name} 会员买单`,
      out_trade_no: o.outTradeNo,
      notify_url: `http://127.0.0.1${s.ctx.settings.server.notifyPath}`,
      time_expire: toRfc3339Shanghai(new Date(now.getTime() + s.ctx.settings.server.payWindowMs)),
      amount: { total: o.payableFen, currency: 'CNY' },
      payer: { openid: s.ctx.members[i % s.ctx.members.length]!.openid },
    });
    const message = merchantSignatureMessage('POST', '/v3/pay/transactions/jsapi', ts, nonce, prepayBody);
    const authorization = signMessage(s.merchantKey, message);
    if (!verifyMessage(s.ring.platformPublic, s.answer.message, s.answer.signature))
      throw new Error('answer signature');
    const prepayId = `wx${ts}${authorization.length}${i}`;
    const nonceStr = randomBytes(16).toString('hex');
    const payParams = {
      timeStamp: ts,
      nonceStr,
      package: `prepay_id=${prepayId}`,
      signType: 'RSA',
      paySign: signMessage(s.merchantKey, `${keys.appid}\n${ts}\n${nonceStr}\nprepay_id=${prepayId}\n`),
    };
    out[i] = { ...o, id: await insertOrder(s.pool, s.allianceId, o, JSON.stringify(payParams)) };
    return { outcome: 'ok', code: 'ok' };
  });

export const httpNotify = (s: PayState, notes: CraftedNotification[]) => (i: number) =>
  countAnswer(
    () =>
      s.ctx.http.request('POST', s.ctx.settings.server.notifyPath, {
        raw: notes[i]!.body,
        headers: notes[i]!.headers,
      }),
    (res) => ({ outcome: res.status === 204 ? 'ok' : 'error', code: answerCode(res, 204) }),
  );

export const sandboxCall =
  (s: PayState, orders: NewOrder[], action: 'confirm' | 'redeliver') => (i: number) =>
    countAnswer(
      () =>
        s.ctx.http.request<{ delivered?: boolean; httpStatus?: number }>(
          'POST',
          `/sandbox/wechat/pay/${orders[i]!.outTradeNo}/${action}`,
        ),
      (res) => {
        const good = res.status === 200 && res.body?.delivered === true && res.body?.httpStatus === 204;
        return good
          ? { outcome: 'ok', code: 'delivered 204' }
          : { outcome: 'error', code: `${res.status} ${JSON.stringify(res.body).slice(0, 120)}` };
      },
    );

export const applied = (
  code: 'paid' | 'duplicate' | string,
): { outcome: Outcome['outcome']; code: string } => ({
  outcome: code === 'paid' || code === 'duplicate' ? 'ok' : 'error',
  code,
});
/** Applying a payment, SQL only, on a pending row and its transaction. */
export const sqlOnly =
  (s: PayState, pending: { transaction: PaidTransaction; eventId: string }[]) => (i: number) =>
    timed(async () => applied(await applyPayment(s, pending[i]!.transaction, pending[i]!.eventId)));
export const cryptoAndSql = (s: PayState, notes: CraftedNotification[]) => (i: number) =>
  timed(async () => {
    const v = verifyAndDecrypt(s.ring, notes[i]!);
    return applied(await applyPayment(s, v.transaction, v.id));
  });
export const cryptoAndLookup = (s: PayState, notes: CraftedNotification[]) => (i: number) =>
  timed(async () => {
    const v = verifyAndDecrypt(s.ring, notes[i]!);
    const status = await orderStatus(s.pool, v.transaction.out_trade_no);
    return applied(status === 'paid' ? 'duplicate' : `status ${status}`);
  });
