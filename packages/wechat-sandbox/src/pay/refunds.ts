import { Router, type Request } from 'express';
import type { PayCredentials } from './keys';
import {
  newRefundId,
  refundNotificationResource,
  refundView,
  type PayLedger,
  type Refund,
  type Transaction,
} from './ledger';
import type { DeliveryResult, Notifier } from './notify';
import type { NotificationCourier } from './redelivery';
import { notifyUrlFailure } from './transactions';
import { fieldOf, v3Failure, v3Route, V3Failure, type V3Result } from './v3';
import { firstFailure, OUT_REFUND_NO, OUT_TRADE_NO, ParamChecker, parseJsonObject } from './validate';

/** How long a refund stays PROCESSING before it succeeds, by default. */
export const DEFAULT_REFUND_DELAY_MS = 50;

/**
 * For crash tests, how refund requests are parked: 'unreceived' — not looked at while parked, and
 * dropped when the caller hangs up (WeChat never got it); 'unanswered' — taken, its answer parked and
 * lost when the caller hangs up (WeChat has the refund, the merchant never heard).
 */
export type RefundHold = 'unreceived' | 'unanswered';

/**
 * Refunds: accepted as PROCESSING, settled to SUCCESS a moment later, then notified (REFUND.SUCCESS)
 * to the refund's notify_url when it has one.
 */
export class RefundDesk {
  private readonly pending = new Set<Promise<void>>();
  private readonly parked = new Set<() => void>();
  hold: RefundHold | null = null;

  constructor(
    private readonly credentials: PayCredentials,
    private readonly ledger: PayLedger,
    private readonly notifier: Notifier,
    private readonly courier: NotificationCourier,
    private readonly now: () => number,
    private readonly delayMs: number = DEFAULT_REFUND_DELAY_MS,
  ) {}

  create(
    tx: Transaction,
    input: { outRefundNo: string; refund: number; reason?: string; notifyUrl?: string },
  ): Refund {
    const refund: Refund = {
      refundId: newRefundId(this.now()),
      outRefundNo: input.outRefundNo,
      outTradeNo: tx.outTradeNo,
      transactionId: tx.transactionId as string,
      ...(input.reason !== undefined ? { reason: input.reason } : {}),
      ...(input.notifyUrl !== undefined ? { notifyUrl: input.notifyUrl } : {}),
      refund: input.refund,
      total: tx.total,
      createdAt: this.now(),
      status: 'PROCESSING',
    };
    this.ledger.refunds.set(refund.outRefundNo, refund);
    tx.refunded += refund.refund;
    tx.state = 'REFUND';
    this.ledger.changed();
    this.settleLater(tx, refund);
    return refund;
  }

  /** After a restart: refunds the state file holds as PROCESSING settle as if never interrupted. */
  resume(): void {
    for (const refund of this.ledger.refunds.values()) {
      const tx = this.ledger.transactions.get(refund.outTradeNo);
      if (refund.status === 'PROCESSING' && tx) this.settleLater(tx, refund);
    }
  }

  /** Delivers the refund's REFUND.SUCCESS notification (again), recording the attempt on the order. */
  deliver(refund: Refund): Promise<DeliveryResult> {
    return this.courier.send({ outTradeNo: refund.outTradeNo, outRefundNo: refund.outRefundNo }, 'manual');
  }

  /** Sets the hold mode; null also lets every parked request go on. */
  setHold(mode: RefundHold | null): void {
    this.hold = mode;
    if (mode === null) for (const release of [...this.parked]) release();
  }

  get parkedCount(): number {
    return this.parked.size;
  }

  /** Waits until the hold is lifted (true) or the caller hangs up (false). */
  park(req: Request): Promise<boolean> {
    return new Promise((resolve) => {
      const settle = (released: boolean) => {
        this.parked.delete(release);
        req.socket.off('close', hangUp);
        resolve(released);
      };
      const release = () => settle(true);
      const hangUp = () => settle(false);
      this.parked.add(release);
      req.socket.once('close', hangUp);
    });
  }

  /** Resolves when every refund accepted so far has settled and its notification was attempted. */
  async idle(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }

  private settleLater(tx: Transaction, refund: Refund): void {
    this.track(
      new Promise<void>((resolve) => {
        // Unref'd: a pending refund never keeps a process (or a test run) alive on its own.
        setTimeout(resolve, this.delayMs).unref();
      }).then(() => this.settle(tx, refund)),
    );
  }

  private async settle(tx: Transaction, refund: Refund): Promise<void> {
    refund.status = 'SUCCESS';
    refund.successTime = this.now();
    if (refund.notifyUrl !== undefined) {
      refund.notification = this.notifier.create(
        'REFUND.SUCCESS',
        refundNotificationResource(refund, this.credentials.mchid),
      );
    }
    this.ledger.changed();
    if (refund.notification === undefined) return;
    await this.courier.send({ outTradeNo: tx.outTradeNo, outRefundNo: refund.outRefundNo }, 'first');
  }

  private track(work: Promise<void>): void {
    const settled = work.catch(() => undefined).finally(() => this.pending.delete(settled));
    this.pending.add(settled);
  }
}

function resourceNotExists(message: string): V3Failure {
  return v3Failure(404, 'RESOURCE_NOT_EXISTS', message);
}

/** POST /v3/refund/domestic/refunds and GET /v3/refund/domestic/refunds/{out_refund_no}. */
export function refundsRouter(
  credentials: PayCredentials,
  ledger: PayLedger,
  desk: RefundDesk,
  now: () => number,
): Router {
  const router = Router();

  const create = ({ rawBody }: { rawBody: string }): V3Result => {
    const body = parseJsonObject(rawBody);
    if (body instanceof V3Failure) return body;
    const check = new ParamChecker('body');
    const amount = body.amount;
    const invalid = firstFailure(
      check.string(body.transaction_id, '/transaction_id', '微信支付订单号', { max: 32, optional: true }),
      check.string(body.out_trade_no, '/out_trade_no', '商户订单号', {
        min: 6,
        max: 32,
        pattern: OUT_TRADE_NO,
        optional: true,
      }),
      body.transaction_id === undefined && body.out_trade_no === undefined
        ? check.custom(
            '/out_trade_no',
            '商户订单号',
            '必填性规则校验失败，transaction_id和out_trade_no必须二选一',
            undefined,
          )
        : null,
      check.string(body.out_refund_no, '/out_refund_no', '商户退款单号', {
        max: 64,
        pattern: OUT_REFUND_NO,
      }),
      check.string(body.reason, '/reason', '退款原因', { max: 80, optional: true }),
      notifyUrlFailure(body.notify_url, '/notify_url', check, true),
      check.string(body.funds_account, '/funds_account', '退款资金来源', { max: 32, optional: true }),
      check.object(amount, '/amount', '金额信息'),
      check.positiveInteger(fieldOf(amount, 'refund'), '/amount/refund', '退款金额'),
      check.positiveInteger(fieldOf(amount, 'total'), '/amount/total', '原订单金额'),
      check.currency(fieldOf(amount, 'currency'), '/amount/currency', false),
    );
    if (invalid) return invalid;

    const tx =
      body.transaction_id !== undefined
        ? ledger.byTransaction(body.transaction_id as string)
        : ledger.transactions.get(body.out_trade_no as string);
    if (!tx) return resourceNotExists('订单不存在');
    const outRefundNo = body.out_refund_no as string;
    const existing = ledger.refunds.get(outRefundNo);
    if (existing) {
      if (existing.outTradeNo !== tx.outTradeNo) {
        return v3Failure(400, 'INVALID_REQUEST', '商户退款单号已被其他订单使用');
      }
      return { status: 200, body: refundView(existing) };
    }
    if (tx.transactionId === undefined) return v3Failure(400, 'INVALID_REQUEST', '订单未支付，不能发起退款');
    const refund = fieldOf(amount, 'refund') as number;
    if (fieldOf(amount, 'total') !== tx.total) {
      return v3Failure(400, 'INVALID_REQUEST', '原订单金额与订单实际金额不一致');
    }
    if (refund > tx.total - tx.refunded) {
      return v3Failure(
        403,
        'NOT_ENOUGH',
        `申请退款金额超过订单可退金额，剩余可退 ${tx.total - tx.refunded} 分`,
      );
    }
    const created = desk.create(tx, {
      outRefundNo,
      refund,
      ...(body.reason !== undefined ? { reason: body.reason as string } : {}),
      ...(body.notify_url !== undefined ? { notifyUrl: body.notify_url as string } : {}),
    });
    return { status: 200, body: refundView(created) };
  };

  router.post(
    '/v3/refund/domestic/refunds',
    v3Route(credentials, now, async (req, context) => {
      const hold = desk.hold;
      if (hold === 'unreceived' && !(await desk.park(req)))
        return v3Failure(500, 'SYSTEM_ERROR', '请求未被处理'); // nobody is listening any more
      const result = create(context);
      if (hold === 'unanswered') await desk.park(req);
      return result;
    }),
  );

  router.get(
    '/v3/refund/domestic/refunds/:outRefundNo',
    v3Route(credentials, now, (req) => {
      const refund = ledger.refunds.get(req.params.outRefundNo as string);
      return refund ? { status: 200, body: refundView(refund) } : resourceNotExists('退款单不存在');
    }),
  );

  return router;
}
