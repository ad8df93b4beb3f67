import { Router, type Request, type Response } from 'express';
import { sendValidationFailed, validateSingleField } from '../http';
import { PLATFORM_MODES, type PayCredentials, type PlatformMode } from './keys';
import { refundView, transactionView, type PayLedger } from './ledger';
import type { Notifier } from './notify';
import type { NotificationCourier } from './redelivery';
import type { RefundDesk } from './refunds';

function sendError(res: Response, status: number, code: string, message: string): void {
  res.status(status).json({ error: { code, message } });
}

/** The confirm and redeliver calls take no body: nothing, or an empty JSON object. */
function refuseBody(req: Request, res: Response): boolean {
  const body: unknown = req.body;
  if (body === undefined || body === null) return false;
  if (typeof body !== 'object' || Array.isArray(body)) {
    sendValidationFailed(res, [{ field: 'body', message: 'must be empty or an empty JSON object' }]);
    return true;
  }
  const unknown = Object.keys(body).map((field) => ({ field, message: 'unknown field' }));
  if (unknown.length === 0) return false;
  sendValidationFailed(res, unknown);
  return true;
}

const MODE_PATTERN = new RegExp(`^(${PLATFORM_MODES.join('|')})$`);

/**
 * The WeChat user and the merchant platform, for tests and tools: pay an order, redeliver
 * notifications, look at what WeChat holds, read the keys, switch the platform verification mode.
 */
export function payTestRouter(
  credentials: PayCredentials,
  ledger: PayLedger,
  notifier: Notifier,
  courier: NotificationCourier,
  refunds: RefundDesk,
  now: () => number,
): Router {
  const router = Router();

  router.get('/wechat/pay/keys', (_req, res) => {
    const keys = credentials.keys();
    res.json({
      appid: keys.appid,
      mchid: keys.mchid,
      apiV3Key: keys.apiV3Key,
      merchantSerial: keys.merchantSerial,
      merchantPublicKeyPem: keys.merchantPublicKeyPem,
      merchantCertificatePem: keys.merchantCertificatePem,
      platformMode: keys.platformMode,
      platformSerial: keys.platformSerial,
      publicKeyId: keys.publicKeyId,
      wechatpaySerial: keys.wechatpaySerial,
      platformPublicKeyPem: keys.platformPublicKeyPem,
      platformPrivateKeyPem: keys.platformPrivateKeyPem,
      platformCertificatePem: keys.platformCertificatePem,
    });
  });

  router.post('/wechat/pay/platform-mode', (req, res) => {
    const input = validateSingleField(
      req,
      'mode',
      MODE_PATTERN,
      `must be one of ${PLATFORM_MODES.join(', ')}`,
    );
    if ('details' in input) {
      sendValidationFailed(res, input.details);
      return;
    }
    credentials.setPlatformMode(input.value as PlatformMode);
    res.json({ platformMode: credentials.platformMode, wechatpaySerial: credentials.wechatpaySerial });
  });

  router.post('/wechat/pay/refunds/:outRefundNo/redeliver', async (req, res) => {
    if (refuseBody(req, res)) return;
    const refund = ledger.refunds.get(req.params.outRefundNo as string);
    if (!refund) {
      sendError(res, 404, 'NOT_FOUND', 'No refund with this out_refund_no');
      return;
    }
    if (refund.status !== 'SUCCESS') {
      sendError(res, 409, 'REFUND_PROCESSING', 'The refund has not succeeded yet; nothing was notified');
      return;
    }
    if (!refund.notification) {
      sendError(res, 409, 'NO_NOTIFY_URL', 'The refund was requested without notify_url; nothing to deliver');
      return;
    }
    res.json(await refunds.deliver(refund));
  });

  router.get('/wechat/pay/:outTradeNo', (req, res) => {
    const tx = ledger.transactions.get(req.params.outTradeNo as string);
    if (!tx) {
      sendError(res, 404, 'NOT_FOUND', 'No order with this out_trade_no');
      return;
    }
    res.json({
      ...transactionView(tx),
      description: tx.description,
      notify_url: tx.notifyUrl,
      prepay_id: tx.prepayId,
      ...(tx.timeExpire !== undefined ? { time_expire: tx.timeExpire } : {}),
      refunds: ledger.refundsOf(tx.outTradeNo).map(refundView),
      deliveries: tx.deliveries,
      // The redeliveries WeChat still owes this order's notifications (payment, refunds).
      redeliveries: [...ledger.redeliveries.values()]
        .filter((pending) => pending.outTradeNo === tx.outTradeNo)
        .map((pending) => ({
          eventId: pending.eventId,
          ...(pending.outRefundNo !== undefined ? { outRefundNo: pending.outRefundNo } : {}),
          attempt: pending.attempt + 1,
          dueAt: new Date(pending.dueAt).toISOString(),
        })),
    });
  });

  router.post('/wechat/pay/:outTradeNo/confirm', async (req, res) => {
    if (refuseBody(req, res)) return;
    const tx = ledger.transactions.get(req.params.outTradeNo as string);
    if (!tx) {
      sendError(res, 404, 'NOT_FOUND', 'No order with this out_trade_no');
      return;
    }
    if (tx.state === 'SUCCESS' || tx.state === 'REFUND') {
      sendError(res, 409, 'ALREADY_PAID', 'The order is already paid; use redeliver to notify again');
      return;
    }
    if (tx.state === 'CLOSED') {
      sendError(res, 409, 'ORDER_CLOSED', 'The order was closed');
      return;
    }
    if (tx.timeExpire !== undefined && now() >= Date.parse(tx.timeExpire)) {
      sendError(res, 409, 'ORDER_EXPIRED', 'The order passed its time_expire');
      return;
    }
    ledger.markPaid(tx, now());
    tx.notification = notifier.create('TRANSACTION.SUCCESS', transactionView(tx));
    res.json(await courier.send({ outTradeNo: tx.outTradeNo }, 'first'));
  });

  router.post('/wechat/pay/:outTradeNo/redeliver', async (req, res) => {
    if (refuseBody(req, res)) return;
    const tx = ledger.transactions.get(req.params.outTradeNo as string);
    if (!tx) {
      sendError(res, 404, 'NOT_FOUND', 'No order with this out_trade_no');
      return;
    }
    if (!tx.notification) {
      sendError(res, 409, 'NOT_PAID', 'The order is not paid; nothing was notified');
      return;
    }
    res.json(await courier.send({ outTradeNo: tx.outTradeNo }, 'manual'));
  });

  return router;
}
