import type { PayLedger, PendingRedelivery } from './ledger';
import type { DeliveryResult, Notifier } from './notify';

/**
 * WeChat Pay's redelivery schedule, in seconds after the previous attempt, for a notification the
 * merchant did not answer 2xx (支付结果通知: 15s/15s/30s/3m/10m/20m/30m/30m/30m/60m/3h/3h/3h/6h/6h,
 * 15 redeliveries over about 24 hours). After the last one WeChat gives up. Source: 支付通知 API,
 * https://pay.weixin.qq.com/wiki/doc/apiv3/apis/chapter3_2_5.shtml ("通知频率为15s/15s/30s/3m/…").
 */
export const REDELIVERY_SCHEDULE_S = [
  15, 15, 30, 180, 600, 1200, 1800, 1800, 1800, 3600, 10800, 10800, 10800, 21600, 21600,
] as const;

/** Which notification: an order's TRANSACTION.SUCCESS, or (with outRefundNo) a refund's REFUND.SUCCESS. */
export interface NotificationTarget {
  outTradeNo: string;
  outRefundNo?: string;
}

/**
 * Sends notifications and redelivers those not answered 2xx on WeChat's schedule, multiplied by
 * `scale` (1 = real time; 0.001 turns 15 s into 15 ms for tests; 0 = never redeliver). Pending
 * redeliveries live in the ledger, so a restarted sandbox resumes them (resume()) at their due time.
 * A 2xx answer to any attempt — scheduled or the test-facing redeliver — ends the schedule.
 */
export class NotificationCourier {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly inFlight = new Set<Promise<unknown>>();
  private closed = false;

  constructor(
    private readonly ledger: PayLedger,
    private readonly notifier: Notifier,
    private readonly now: () => number,
    private readonly scale: number = 1,
  ) {}

  /**
   * One attempt now. A first attempt ('first') records its redelivery before it is sent — so a sandbox
   * that dies during the attempt redelivers after its restart — and arms it when the answer is not
   * 2xx; a failed manual attempt leaves the schedule as it is. Persists the attempt.
   */
  async send(target: NotificationTarget, kind: 'first' | 'manual'): Promise<DeliveryResult> {
    const found = this.resolve(target);
    if (!found) throw new Error(`no notification for ${JSON.stringify(target)}`);
    const eventId = found.notification.id;
    const planned = kind === 'first' && !this.ledger.redeliveries.has(eventId) && this.scale > 0;
    if (planned) this.ledger.redeliveries.set(eventId, this.pending(eventId, target, 0));
    this.ledger.changed();
    const result = await this.notifier.deliver(
      found.notification,
      found.url,
      found.record,
      target.outRefundNo,
    );
    const pending = this.ledger.redeliveries.get(eventId);
    if (result.delivered) this.cancel(eventId);
    else if (planned && pending) this.schedule(eventId, target, 0); // 15 s from this answer
    this.ledger.changed();
    return result;
  }

  /** Arms the timers of the pending redeliveries read from the state file. */
  resume(): void {
    for (const pending of this.ledger.redeliveries.values()) this.arm(pending);
  }

  get pendingCount(): number {
    return this.ledger.redeliveries.size;
  }

  /** Resolves once no redelivery is pending or under way (for tests on a compressed schedule). */
  async idle(): Promise<void> {
    while (this.ledger.redeliveries.size > 0 || this.inFlight.size > 0) {
      await Promise.all([...this.inFlight, new Promise((r) => setTimeout(r, 5))]);
    }
  }

  /** Stops the timers (the pending redeliveries stay in the ledger for the next start). */
  close(): void {
    this.closed = true;
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }

  private resolve(target: NotificationTarget) {
    const tx = this.ledger.transactions.get(target.outTradeNo);
    if (!tx) return null;
    if (target.outRefundNo === undefined) {
      return tx.notification
        ? { notification: tx.notification, url: tx.notifyUrl, record: tx.deliveries }
        : null;
    }
    const refund = this.ledger.refunds.get(target.outRefundNo);
    return refund?.notification && refund.notifyUrl !== undefined
      ? { notification: refund.notification, url: refund.notifyUrl, record: tx.deliveries }
      : null;
  }

  private schedule(eventId: string, target: NotificationTarget, attempt: number): void {
    if (this.scale <= 0 || attempt >= REDELIVERY_SCHEDULE_S.length) {
      this.cancel(eventId);
      return;
    }
    const pending = this.pending(eventId, target, attempt);
    this.ledger.redeliveries.set(eventId, pending);
    this.arm(pending);
  }

  private pending(eventId: string, target: NotificationTarget, attempt: number): PendingRedelivery {
    return {
      eventId,
      outTradeNo: target.outTradeNo,
      ...(target.outRefundNo !== undefined ? { outRefundNo: target.outRefundNo } : {}),
      attempt,
      dueAt: this.now() + Math.round(REDELIVERY_SCHEDULE_S[attempt]! * 1000 * this.scale),
    };
  }

  private cancel(eventId: string): void {
    this.ledger.redeliveries.delete(eventId);
    clearTimeout(this.timers.get(eventId));
    this.timers.delete(eventId);
  }

  private arm(pending: PendingRedelivery): void {
    if (this.closed || this.scale <= 0) return;
    clearTimeout(this.timers.get(pending.eventId));
    // Per entry, from its due time on the sandbox clock; unref'd so it never keeps a process alive.
    const timer = setTimeout(() => this.fire(pending.eventId), Math.max(0, pending.dueAt - this.now()));
    timer.unref();
    this.timers.set(pending.eventId, timer);
  }

  private fire(eventId: string): void {
    this.timers.delete(eventId);
    const pending = this.ledger.redeliveries.get(eventId);
    if (!pending || this.closed) return;
    const target: NotificationTarget = {
      outTradeNo: pending.outTradeNo,
      ...(pending.outRefundNo !== undefined ? { outRefundNo: pending.outRefundNo } : {}),
    };
    const found = this.resolve(target);
    if (!found) {
      this.cancel(eventId);
      this.ledger.changed();
      return;
    }
    const work = this.notifier
      .deliver(found.notification, found.url, found.record, target.outRefundNo)
      .then((result) => {
        // A manual redeliver may have ended the schedule meanwhile.
        if (!this.ledger.redeliveries.has(eventId)) return;
        if (result.delivered) this.cancel(eventId);
        else this.schedule(eventId, target, pending.attempt + 1);
      })
      .finally(() => {
        this.inFlight.delete(work);
        this.ledger.changed();
      });
    this.inFlight.add(work);
  }
}
