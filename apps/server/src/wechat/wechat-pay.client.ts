import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { createPrivateKey } from 'node:crypto';
import { toRfc3339Shanghai } from '@allycard/domain';
import WxPay from 'wechatpay-node-v3';
import { APP_CONFIG, AppConfig, PayKeys } from '../common/config';
import { DomainError } from '../common/errors';
import { Metrics, WechatPayCall } from '../metrics/metrics';
import {
  checkRefundView,
  checkTransaction,
  Checked,
  WechatRefundNotice,
  WechatTransaction,
} from './notification-resources';
import { EncryptedCertificate, WechatPayKeys } from './wechat-pay-keys';
import { NotificationRejected, readNotification, VerifiedNotification } from './wechat-pay-notifications';

export type { WechatRefundNotice, WechatTransaction } from './notification-resources';
export { NotificationRejected } from './wechat-pay-notifications';
export type { VerifiedNotification } from './wechat-pay-notifications';

/**
 * WeChat Pay v3, wrapped so that wechatpay-node-v3's gaps stay in this folder:
 * - requests are signed by the library (JSAPI prepay, query, close, refund), but travel through our
 *   own HTTP client: it reaches the sandbox by swapping the host, times out at 5 s and reports a
 *   timeout as `unknown` (never as a failure), and checks the signature of every answer
 *   (wechat-pay-keys.ts: the platform certificates from /v3/certificates or the public key);
 * - notifications are verified over the raw body and decrypted in wechat-pay-notifications.ts;
 * - what WeChat sends is checked for shape (notification-resources.ts) before it is used: a genuine
 *   but malformed notification is a 400 that changes nothing, a malformed query answer is 'unknown'.
 */
const WECHAT_PAY_HOST = 'https://api.mch.weixin.qq.com';
const TIMEOUT_MS = 5000;

export type JsapiPayParams = {
  timeStamp: string;
  nonceStr: string;
  package: string;
  signType: string;
  paySign: string;
};

type HttpOutput = { status: number; data?: any; error?: any };

@Injectable()
export class WechatPayClient {
  private readonly logger = new Logger(WechatPayClient.name);
  private readonly pay?: WxPay;
  private readonly keys!: PayKeys;
  private readonly signatures!: WechatPayKeys;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    @Optional() private readonly metrics?: Metrics,
  ) {
    // Without merchant credentials the product runs without payments (orders answer 503).
    if (!config.wechatPay) return;
    this.keys = config.wechatPay;
    this.signatures = new WechatPayKeys(this.keys, () => this.downloadCertificates());
    this.pay = new WxPay({
      appid: this.keys.appid,
      mchid: this.keys.mchid,
      serial_no: this.keys.merchantSerial,
      // The library insists on a "public key" even when the serial is given; it is not used then.
      publicKey: Buffer.from(this.keys.merchantPublicKeyPem),
      // A parsed key: given PEM text the library re-parses it for every signature (~1 ms each).
      privateKey: createPrivateKey(this.keys.merchantPrivateKeyPem) as unknown as Buffer,
      key: this.keys.apiV3Key,
    });
    this.pay.createHttp({
      get: (url, headers) => this.http('GET', url, undefined, headers),
      post: (url, body, headers) => this.http('POST', url, body, headers),
      upload: () => Promise.reject(new Error('uploads are not used')),
    });
  }

  get enabled(): boolean {
    return Boolean(this.pay);
  }

  private assertEnabled() {
    if (!this.pay) throw new DomainError('WECHAT_UNAVAILABLE', 503, '微信支付未开通');
  }

  get appid() {
    return this.keys.appid;
  }

  get mchid() {
    return this.keys.mchid;
  }

  /** JSAPI prepay: the fields wx.requestPayment needs, signed with the merchant key. */
  async jsapi(order: {
    outTradeNo: string;
    description: string;
    totalFen: number;
    openid: string;
    notifyUrl: string;
    expiresAt: Date;
  }): Promise<JsapiPayParams> {
    this.assertEnabled();
    const result = (await this.pay!.transactions_jsapi({
      description: order.description,
      out_trade_no: order.outTradeNo,
      notify_url: order.notifyUrl,
      time_expire: toRfc3339Shanghai(order.expiresAt),
      amount: { total: order.totalFen, currency: 'CNY' },
      payer: { openid: order.openid },
    } as never)) as HttpOutput;
    if (result.status !== 200 || !result.data?.paySign) {
      this.outcome('jsapi', result.status === 0 ? 'unknown' : 'failed');
      this.logger.warn(
        `jsapi prepay failed: ${result.status} ${JSON.stringify(result.error ?? result.data)}`,
      );
      throw new DomainError('WECHAT_UNAVAILABLE', 503, '微信支付下单失败，请稍后再试');
    }
    this.outcome('jsapi', 'ok');
    const { timeStamp, nonceStr, package: pkg, signType, paySign } = result.data;
    return { timeStamp, nonceStr, package: pkg, signType, paySign };
  }

  /** The order as WeChat sees it; 'unknown' when WeChat could not be asked; null when it has no such order. */
  async query(outTradeNo: string): Promise<WechatTransaction | null | 'unknown'> {
    this.assertEnabled();
    const result = (await this.pay!.query({ out_trade_no: outTradeNo } as never)) as HttpOutput;
    const answer =
      result.status === 200
        ? this.usable(`query ${outTradeNo}`, checkTransaction(result.data, 'answer'))
        : result.status === 404
          ? null
          : 'unknown';
    return this.outcome(
      'query',
      answer === null ? 'not_found' : answer === 'unknown' ? 'unknown' : 'ok',
      answer,
    );
  }

  /** Closes an unpaid order at WeChat: 'closed', 'paid' (too late: it was paid) or 'unknown'. */
  async close(outTradeNo: string): Promise<'closed' | 'paid' | 'unknown'> {
    this.assertEnabled();
    const result = (await this.pay!.close(outTradeNo)) as HttpOutput;
    const answer =
      result.status === 204 || result.status === 200
        ? 'closed'
        : errorCode(result) === 'ORDERPAID'
          ? 'paid'
          : result.status === 404
            ? 'closed'
            : 'unknown';
    return this.outcome('close', answer === 'closed' ? 'ok' : answer, answer);
  }

  async refund(input: {
    outTradeNo: string;
    outRefundNo: string;
    refundFen: number;
    totalFen: number;
    notifyUrl: string;
  }): Promise<'accepted' | 'rejected' | 'unknown'> {
    this.assertEnabled();
    const result = (await this.pay!.refunds({
      out_trade_no: input.outTradeNo,
      out_refund_no: input.outRefundNo,
      notify_url: input.notifyUrl,
      amount: { refund: input.refundFen, total: input.totalFen, currency: 'CNY' },
    } as never)) as HttpOutput;
    if (result.status === 200) return this.outcome('refund', 'ok', 'accepted');
    if (result.status >= 400 && result.status < 500) {
      this.logger.warn(
        `refund ${input.outRefundNo} rejected: ${result.status} ${JSON.stringify(result.error)}`,
      );
      return this.outcome('refund', 'rejected', 'rejected');
    }
    return this.outcome('refund', 'unknown', 'unknown');
  }

  /** A refund as WeChat sees it (to settle one whose answer or notification was lost); 'unknown' when unreachable. */
  async queryRefund(outRefundNo: string): Promise<WechatRefundNotice | null | 'unknown'> {
    this.assertEnabled();
    const result = (await this.pay!.find_refunds(outRefundNo)) as HttpOutput;
    if (result.status === 404) return this.outcome('query_refund', 'not_found', null);
    if (result.status !== 200) return this.outcome('query_refund', 'unknown', 'unknown');
    const r = this.usable(`refund query ${outRefundNo}`, checkRefundView(result.data, 'answer'));
    if (r === 'unknown') return this.outcome('query_refund', 'unknown', 'unknown');
    this.outcome('query_refund', 'ok');
    if (r.status === 'PROCESSING') return 'unknown';
    return {
      mchid: this.keys.mchid,
      out_trade_no: r.out_trade_no,
      transaction_id: r.transaction_id,
      out_refund_no: r.out_refund_no,
      refund_id: r.refund_id,
      refund_status: r.status,
      success_time: r.success_time,
      amount: r.amount,
    };
  }

  /** Counts a call's outcome (allycard_wechat_pay_calls_total) and passes `value` through. */
  private outcome<T>(call: WechatPayCall, outcome: string, value?: T): T {
    this.metrics?.wechatPay(call, outcome);
    return value as T;
  }

  /** A checked answer; a malformed one tells us nothing, as if WeChat had not answered. */
  private usable<T>(what: string, answer: Checked<T>): T | 'unknown' {
    if (answer.ok) return answer.value;
    this.logger.warn(`${what}: malformed answer (${answer.problems.map((p) => p.field).join(', ')})`);
    return 'unknown';
  }

  /**
   * Verifies and decrypts a payment notification; throws NotificationRejected for anything not genuine
   * and a 400 for genuine content of the wrong shape.
   */
  async verifyNotification(
    headers: Record<string, string | string[] | undefined>,
    rawBody: Buffer | undefined,
  ): Promise<VerifiedNotification> {
    try {
      return this.outcome('notification', 'ok', await this.readNotification(headers, rawBody));
    } catch (error) {
      this.outcome('notification', error instanceof NotificationRejected ? 'rejected' : 'invalid');
      throw error;
    }
  }

  /** The platform certificates, encrypted, as GET /v3/certificates lists them (null: no answer). */
  private async downloadCertificates(): Promise<EncryptedCertificate[] | null> {
    const result = await this.http(
      'GET',
      `${WECHAT_PAY_HOST}/v3/certificates`,
      undefined,
      this.authHeaders('GET', '/v3/certificates', ''),
      { verify: false },
    );
    if (result.status === 200) return result.data?.data ?? [];
    this.logger.warn(`could not download platform certificates: ${result.status}`);
    return null;
  }

  private authHeaders(method: string, pathAndQuery: string, body: string): Record<string, string> {
    const url = `${WECHAT_PAY_HOST}${pathAndQuery}`;
    const authorization = (
      this.pay as unknown as { buildAuthorization(m: string, u: string, b?: unknown): string }
    ).buildAuthorization(method, url, body || undefined);
    return { Authorization: authorization, Accept: 'application/json', 'User-Agent': 'allycard' };
  }

  /** The library's HTTP client: real WeChat or the sandbox, 5 s timeout, answers' signatures checked. */
  private async http(
    method: 'GET' | 'POST',
    url: string,
    body: unknown,
    headers: Record<string, string>,
    options: { verify: boolean } = { verify: true },
  ): Promise<HttpOutput> {
    const target = url.startsWith(WECHAT_PAY_HOST)
      ? this.keys.apiBase + url.slice(WECHAT_PAY_HOST.length)
      : url;
    let res: Response;
    try {
      res = await fetch(target, {
        method,
        headers: { ...headers, ...(body !== undefined && { 'Content-Type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
    } catch (error) {
      // A timeout or a dropped connection: the outcome is unknown, not failed.
      this.logger.warn(`WeChat Pay ${method} ${url} did not answer: ${(error as Error).message}`);
      return { status: 0, error: 'unknown' };
    }
    const text = await res.text();
    if (options.verify && res.ok && text && !(await this.answerIsGenuine(res.headers, text))) {
      this.logger.error(`WeChat Pay answer to ${method} ${url} failed signature verification`);
      return { status: 0, error: 'unverified answer' };
    }
    let data: unknown = undefined;
    try {
      data = text ? JSON.parse(text) : undefined;
    } catch {
      data = text;
    }
    return res.ok ? { status: res.status, data } : { status: res.status, error: data };
  }

  private async answerIsGenuine(headers: Headers, text: string): Promise<boolean> {
    const serial = headers.get('wechatpay-serial');
    const signature = headers.get('wechatpay-signature');
    const timestamp = headers.get('wechatpay-timestamp');
    const nonce = headers.get('wechatpay-nonce');
    if (!serial || !signature || !timestamp || !nonce) return false;
    return this.signatures.isGenuine(serial, timestamp, nonce, text, signature);
  }

  private readNotification(
    headers: Record<string, string | string[] | undefined>,
    rawBody: Buffer | undefined,
  ): Promise<VerifiedNotification> {
    if (!this.pay) throw new NotificationRejected('WeChat Pay is not configured');
    return readNotification(this.signatures, headers, rawBody);
  }
}

function errorCode(result: HttpOutput): string | undefined {
  const e = result.error;
  if (e && typeof e === 'object') return (e as { code?: string }).code;
  if (typeof e === 'string') {
    try {
      return JSON.parse(e).code;
    } catch {
      return undefined;
    }
  }
  return undefined;
}
