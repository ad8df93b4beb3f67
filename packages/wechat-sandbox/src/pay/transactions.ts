import { Router, type Request } from 'express';
import { queryString } from '../http';
import type { PayCredentials } from './keys';
import { newPrepayId, transactionView, type PayLedger, type Transaction } from './ledger';
import { fieldOf, v3Failure, v3Route, V3Failure, type V3Context, type V3Result } from './v3';
import { firstFailure, OUT_TRADE_NO, ParamChecker, parseJsonObject, RFC3339 } from './validate';

/** notify_url: an absolute http(s) URL without query or fragment (WeChat: 不能携带参数). */
export function notifyUrlFailure(
  value: unknown,
  path: string,
  check: ParamChecker,
  optional: boolean,
): V3Failure | null {
  const basic = check.string(value, path, '通知地址', { max: 255, optional });
  if (basic || value === undefined || value === null) return basic;
  let url: URL | undefined;
  try {
    url = new URL(value as string);
  } catch {
    url = undefined;
  }
  if (
    !url ||
    (url.protocol !== 'https:' && url.protocol !== 'http:') ||
    url.search !== '' ||
    url.hash !== ''
  ) {
    return check.custom(path, '通知地址', '格式校验失败，应为不带参数的http(s) URL', value);
  }
  return null;
}

function mchidMismatch(location: 'body' | 'query'): V3Failure {
  return v3Failure(400, 'PARAM_ERROR', `/${location}/mchid与请求头Authorization中的商户号不一致`, {
    field: '/mchid',
    location,
  });
}

function orderNotExist(): V3Failure {
  return v3Failure(404, 'ORDER_NOT_EXIST', '订单不存在');
}

function isPaid(tx: Transaction): boolean {
  return tx.state === 'SUCCESS' || tx.state === 'REFUND';
}

/** POST /v3/pay/transactions/jsapi, GET …/out-trade-no/{no}, GET …/id/{id}, POST …/out-trade-no/{no}/close. */
export function transactionsRouter(
  credentials: PayCredentials,
  ledger: PayLedger,
  now: () => number,
): Router {
  const router = Router();
  const route = (handler: (req: Request, context: V3Context) => V3Result) =>
    v3Route(credentials, now, handler);

  router.post(
    '/v3/pay/transactions/jsapi',
    route((_req, { rawBody, mchid }) => {
      const body = parseJsonObject(rawBody);
      if (body instanceof V3Failure) return body;
      const check = new ParamChecker('body');
      const amount = body.amount;
      const payer = body.payer;
      const invalid = firstFailure(
        check.string(body.appid, '/appid', '应用ID', { max: 32 }),
        check.string(body.mchid, '/mchid', '直连商户号', { max: 32 }),
        check.string(body.description, '/description', '商品描述', { max: 127 }),
        check.string(body.out_trade_no, '/out_trade_no', '商户订单号', {
          min: 6,
          max: 32,
          pattern: OUT_TRADE_NO,
        }),
        check.string(body.time_expire, '/time_expire', '交易结束时间', {
          max: 64,
          pattern: RFC3339,
          optional: true,
        }),
        check.string(body.attach, '/attach', '附加数据', { max: 128, optional: true }),
        notifyUrlFailure(body.notify_url, '/notify_url', check, false),
        check.string(body.goods_tag, '/goods_tag', '订单优惠标记', { max: 32, optional: true }),
        check.boolean(body.support_fapiao, '/support_fapiao', '电子发票入口开放标识'),
        check.object(amount, '/amount', '订单金额'),
        check.positiveInteger(fieldOf(amount, 'total'), '/amount/total', '总金额'),
        check.currency(fieldOf(amount, 'currency'), '/amount/currency', true),
        check.object(payer, '/payer', '支付者'),
        check.string(fieldOf(payer, 'openid'), '/payer/openid', '用户标识', { max: 128 }),
        check.object(body.detail, '/detail', '优惠功能', true),
        check.object(body.scene_info, '/scene_info', '场景信息', true),
        check.object(body.settle_info, '/settle_info', '结算信息', true),
      );
      if (invalid) return invalid;
      const timeExpire = body.time_expire as string | undefined;
      if (timeExpire !== undefined) {
        const expiresAt = Date.parse(timeExpire);
        if (!Number.isFinite(expiresAt))
          return check.custom('/time_expire', '交易结束时间', '格式校验失败', timeExpire);
        if (expiresAt <= now())
          return check.custom('/time_expire', '交易结束时间', '应晚于当前时间', timeExpire);
      }
      if (body.mchid !== mchid) return mchidMismatch('body');
      if (body.appid !== credentials.appid) {
        return v3Failure(400, 'APPID_MCHID_NOT_MATCH', 'appid和mch_id不匹配，请检查后再试');
      }

      const outTradeNo = body.out_trade_no as string;
      const order = {
        appid: body.appid,
        mchid,
        description: body.description as string,
        notifyUrl: body.notify_url as string,
        total: fieldOf(amount, 'total') as number,
        openid: fieldOf(payer, 'openid') as string,
        ...(body.attach !== undefined ? { attach: body.attach as string } : {}),
        ...(timeExpire !== undefined ? { timeExpire } : {}),
      };
      const fingerprint = JSON.stringify([
        order.appid,
        order.description,
        order.notifyUrl,
        order.total,
        order.openid,
        order.attach ?? null,
        order.timeExpire ?? null,
      ]);
      const existing = ledger.transactions.get(outTradeNo);
      if (existing) {
        if (isPaid(existing)) return v3Failure(400, 'ORDERPAID', '该订单已支付');
        if (existing.state === 'CLOSED') return v3Failure(400, 'ORDER_CLOSED', '当前订单已关闭，请重新下单');
        if (existing.fingerprint !== fingerprint)
          return v3Failure(400, 'INVALID_REQUEST', '201 商户订单号重复');
        return { status: 200, body: { prepay_id: existing.prepayId } };
      }
      const createdAt = now();
      const transaction: Transaction = {
        ...order,
        outTradeNo,
        fingerprint,
        prepayId: newPrepayId(createdAt),
        createdAt,
        state: 'NOTPAY',
        refunded: 0,
        deliveries: [],
      };
      ledger.add(transaction);
      return { status: 200, body: { prepay_id: transaction.prepayId } };
    }),
  );

  const query = (find: (req: Request) => Transaction | undefined) =>
    route((req, { mchid }) => {
      const queried = queryString(req, 'mchid');
      if (queried === undefined) return new ParamChecker('query').required('/mchid', '直连商户号');
      if (queried !== mchid) return mchidMismatch('query');
      const tx = find(req);
      return tx ? { status: 200, body: transactionView(tx) } : orderNotExist();
    });

  router.get(
    '/v3/pay/transactions/out-trade-no/:outTradeNo',
    query((req) => ledger.transactions.get(req.params.outTradeNo as string)),
  );
  router.get(
    '/v3/pay/transactions/id/:transactionId',
    query((req) => ledger.byTransaction(req.params.transactionId as string)),
  );

  router.post(
    '/v3/pay/transactions/out-trade-no/:outTradeNo/close',
    route((req, { rawBody, mchid }) => {
      const body = parseJsonObject(rawBody);
      if (body instanceof V3Failure) return body;
      const invalid = new ParamChecker('body').string(body.mchid, '/mchid', '直连商户号', { max: 32 });
      if (invalid) return invalid;
      if (body.mchid !== mchid) return mchidMismatch('body');
      const tx = ledger.transactions.get(req.params.outTradeNo as string);
      if (!tx) return orderNotExist();
      if (isPaid(tx)) return v3Failure(400, 'ORDERPAID', '订单已支付，不能关闭');
      tx.state = 'CLOSED';
      ledger.changed();
      return { status: 204 };
    }),
  );

  return router;
}
