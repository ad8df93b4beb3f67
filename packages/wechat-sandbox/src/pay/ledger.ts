import { randomBytes, randomInt } from 'node:crypto';
import { compactShanghaiTime, formatWechatTime } from './crypto';
import { readPayState, writePayState } from './state';

export type TradeState = 'NOTPAY' | 'SUCCESS' | 'CLOSED' | 'REFUND' | 'PAYERROR' | 'USERPAYING';
export type RefundStatus = 'PROCESSING' | 'SUCCESS';

const TRADE_STATE_DESC: Record<TradeState, string> = {
  NOTPAY: '订单未支付',
  SUCCESS: '支付成功',
  CLOSED: '订单已关闭',
  REFUND: '转入退款',
  PAYERROR: '支付失败',
  USERPAYING: '用户支付中',
};

/** A notification as first built: redelivery sends this same body. */
export interface StoredNotification {
  id: string;
  eventType: string;
  body: string;
}

export interface Delivery {
  eventId: string;
  eventType: string;
  outRefundNo?: string;
  at: string;
  url: string;
  /** null when no HTTP answer came (connection refused, timeout). */
  httpStatus: number | null;
  delivered: boolean;
  /** The receiver's answer, cut at 2,000 characters. */
  responseBody: string;
  error?: string;
}

export interface Transaction {
  appid: string;
  mchid: string;
  outTradeNo: string;
  description: string;
  notifyUrl: string;
  total: number;
  openid: string;
  attach?: string;
  timeExpire?: string;
  /** What a repeat of the same order must match to get the same prepay_id. */
  fingerprint: string;
  prepayId: string;
  createdAt: number;
  state: TradeState;
  transactionId?: string;
  successTime?: number;
  refunded: number;
  notification?: StoredNotification;
  deliveries: Delivery[];
}

export interface Refund {
  refundId: string;
  outRefundNo: string;
  outTradeNo: string;
  transactionId: string;
  reason?: string;
  notifyUrl?: string;
  refund: number;
  total: number;
  createdAt: number;
  status: RefundStatus;
  successTime?: number;
  notification?: StoredNotification;
}

/** A notification not answered 2xx, due to be sent again on WeChat's schedule. */
export interface PendingRedelivery {
  eventId: string;
  outTradeNo: string;
  /** Set for a REFUND.SUCCESS notification. */
  outRefundNo?: string;
  /** Which redelivery this will be: 0 for the first one after the original attempt. */
  attempt: number;
  /** Milliseconds since the epoch (the sandbox's clock). */
  dueAt: number;
}

export const BANK_TYPE = 'OTHERS';
export const USER_RECEIVED_ACCOUNT = '支付用户零钱';

/**
 * All payment state of the sandbox merchant: in memory, and in `stateFile` when given (read on
 * construction, rewritten atomically after every change), so a restarted sandbox knows what it
 * confirmed, refunded and still has to redeliver. One sandbox per state file.
 */
export class PayLedger {
  readonly transactions = new Map<string, Transaction>();
  readonly refunds = new Map<string, Refund>();
  /** By notification id. */
  readonly redeliveries = new Map<string, PendingRedelivery>();
  private readonly byTransactionId = new Map<string, Transaction>();

  constructor(private readonly stateFile?: string) {
    const state = stateFile === undefined ? null : readPayState(stateFile);
    if (!state) return;
    for (const tx of state.transactions) {
      this.transactions.set(tx.outTradeNo, tx);
      if (tx.transactionId !== undefined) this.byTransactionId.set(tx.transactionId, tx);
    }
    for (const refund of state.refunds) this.refunds.set(refund.outRefundNo, refund);
    for (const pending of state.redeliveries) this.redeliveries.set(pending.eventId, pending);
  }

  add(transaction: Transaction): void {
    this.transactions.set(transaction.outTradeNo, transaction);
    this.changed();
  }

  markPaid(transaction: Transaction, now: number): void {
    transaction.state = 'SUCCESS';
    transaction.successTime = now;
    transaction.transactionId = newTransactionId(now);
    this.byTransactionId.set(transaction.transactionId, transaction);
    this.changed();
  }

  byTransaction(transactionId: string): Transaction | undefined {
    return this.byTransactionId.get(transactionId);
  }

  refundsOf(outTradeNo: string): Refund[] {
    return [...this.refunds.values()].filter((refund) => refund.outTradeNo === outTradeNo);
  }

  /** Call after changing a transaction, refund or redelivery in place: persists the state file. */
  changed(): void {
    if (this.stateFile === undefined) return;
    writePayState(this.stateFile, {
      transactions: [...this.transactions.values()],
      refunds: [...this.refunds.values()],
      redeliveries: [...this.redeliveries.values()],
    });
  }
}

function digits(count: number): string {
  let out = '';
  for (let i = 0; i < count; i++) out += String(randomInt(10));
  return out;
}

/** wx + yyyyMMddHHmmss + 20 characters, as WeChat's prepay ids. */
export function newPrepayId(now: number): string {
  return `wx${compactShanghaiTime(now)}${randomBytes(10).toString('hex')}`;
}

/** 28 digits: 4200 + 6 + yyyyMMdd + 10, as WeChat's transaction ids. */
export function newTransactionId(now: number): string {
  return `4200${digits(6)}${compactShanghaiTime(now).slice(0, 8)}${digits(10)}`;
}

/** 29 digits: 50 + 9 + yyyyMMdd + 10, as WeChat's refund ids. */
export function newRefundId(now: number): string {
  return `50${digits(9)}${compactShanghaiTime(now).slice(0, 8)}${digits(10)}`;
}

/** The transaction as GET /v3/pay/transactions/out-trade-no/{no} answers it (and as notified). */
export function transactionView(tx: Transaction): Record<string, unknown> {
  const paid = tx.transactionId !== undefined;
  return {
    appid: tx.appid,
    mchid: tx.mchid,
    out_trade_no: tx.outTradeNo,
    ...(paid ? { transaction_id: tx.transactionId } : {}),
    trade_type: 'JSAPI',
    trade_state: tx.state,
    trade_state_desc: TRADE_STATE_DESC[tx.state],
    ...(paid ? { bank_type: BANK_TYPE } : {}),
    ...(tx.attach !== undefined ? { attach: tx.attach } : {}),
    ...(tx.successTime !== undefined ? { success_time: formatWechatTime(tx.successTime) } : {}),
    payer: { openid: tx.openid },
    amount: {
      total: tx.total,
      ...(paid ? { payer_total: tx.total } : {}),
      currency: 'CNY',
      payer_currency: 'CNY',
    },
  };
}

/** The refund as POST /v3/refund/domestic/refunds and GET …/refunds/{no} answer it. */
export function refundView(refund: Refund): Record<string, unknown> {
  return {
    refund_id: refund.refundId,
    out_refund_no: refund.outRefundNo,
    transaction_id: refund.transactionId,
    out_trade_no: refund.outTradeNo,
    channel: 'ORIGINAL',
    user_received_account: USER_RECEIVED_ACCOUNT,
    ...(refund.successTime !== undefined ? { success_time: formatWechatTime(refund.successTime) } : {}),
    create_time: formatWechatTime(refund.createdAt),
    status: refund.status,
    funds_account: 'AVAILABLE',
    amount: {
      total: refund.total,
      refund: refund.refund,
      from: [],
      payer_total: refund.total,
      payer_refund: refund.refund,
      settlement_refund: refund.refund,
      settlement_total: refund.total,
      discount_refund: 0,
      currency: 'CNY',
    },
    promotion_detail: [],
  };
}

/** The plaintext resource of a REFUND.SUCCESS notification. */
export function refundNotificationResource(refund: Refund, mchid: string): Record<string, unknown> {
  return {
    mchid,
    out_trade_no: refund.outTradeNo,
    transaction_id: refund.transactionId,
    out_refund_no: refund.outRefundNo,
    refund_id: refund.refundId,
    refund_status: refund.status,
    success_time: formatWechatTime(refund.successTime ?? refund.createdAt),
    amount: {
      total: refund.total,
      refund: refund.refund,
      payer_total: refund.total,
      payer_refund: refund.refund,
    },
    user_received_account: USER_RECEIVED_ACCOUNT,
  };
}
