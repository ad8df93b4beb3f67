import { Injectable, Logger } from '@nestjs/common';
import { isUniqueViolation, TransactionRunner } from '../common/transactions';
import { DomainError } from '../common/errors';
import { NotificationRejected, WechatPayClient } from '../wechat/wechat-pay.client';
import { PaymentEvent } from './order.entities';
import { PaymentReconciler } from './payment-reconciler.service';
import { RefundsService } from './refunds.service';

/**
 * WeChat Pay notifications: verified (signature over the raw body, key named by Wechatpay-Serial,
 * fresh timestamp, authenticated decryption) before anything is read; then applied once. A forged or
 * stale notification — WeChat itself sends probes with bad signatures — is a 401 that changes nothing.
 */
@Injectable()
export class PaymentsService {
  private readonly logger = new Logger(PaymentsService.name);

  constructor(
    private readonly pay: WechatPayClient,
    private readonly orders: PaymentReconciler,
    private readonly refunds: RefundsService,
    private readonly tx: TransactionRunner,
  ) {}

  async handle(
    headers: Record<string, string | string[] | undefined>,
    rawBody: Buffer | undefined,
  ): Promise<string> {
    let notification;
    try {
      notification = await this.pay.verifyNotification(headers, rawBody);
    } catch (error) {
      if (error instanceof NotificationRejected) {
        this.logger.warn(`payment notification rejected: ${error.message}`);
        throw new DomainError('UNAUTHENTICATED', 401, '通知验签失败', { reason: 'SIGNATURE_INVALID' });
      }
      throw error;
    }

    let result: string;
    if ('transaction' in notification) {
      const t = notification.transaction;
      if (t.appid !== this.pay.appid || t.mchid !== this.pay.mchid) {
        this.logger.error(
          `notification ${notification.id} names appid ${t.appid} / mchid ${t.mchid}: not ours`,
        );
        throw new DomainError('UNAUTHENTICATED', 401, '通知的商户号或应用不匹配', {
          reason: 'MERCHANT_MISMATCH',
        });
      }
      result = await this.orders.applyPayment(t);
    } else if ('refund' in notification) {
      if (notification.refund.mchid !== this.pay.mchid)
        throw new DomainError('UNAUTHENTICATED', 401, '通知的商户号不匹配', { reason: 'MERCHANT_MISMATCH' });
      result = await this.refunds.applyNotice(notification.refund);
    } else {
      result = 'ignored';
    }
    await this.record(notification.id, notification.eventType, result, notification);
    return result;
  }

  /** An audit line per notification id (redeliveries keep the first line). */
  private async record(eventId: string, eventType: string, result: string, n: object) {
    const outTradeNo =
      'transaction' in n
        ? (n as { transaction: { out_trade_no: string } }).transaction.out_trade_no
        : 'refund' in n
          ? (n as { refund: { out_trade_no: string } }).refund.out_trade_no
          : null;
    const outRefundNo =
      'refund' in n ? (n as { refund: { out_refund_no: string } }).refund.out_refund_no : null;
    try {
      // on its own, but behind open transactions on SQLite (tx.single), never inside one of them
      await this.tx.single((em) =>
        em.insert(PaymentEvent, {
          eventId,
          eventType,
          outTradeNo,
          outRefundNo,
          result,
          createdAt: new Date(),
        }),
      );
    } catch (error) {
      if (!isUniqueViolation(error, 'event')) throw error;
    }
  }
}
