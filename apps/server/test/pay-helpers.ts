import { createCipheriv, createSign, generateKeyPairSync, randomBytes } from 'node:crypto';
import type { TestApp } from './harness';

export interface SandboxPayKeys {
  appid: string;
  mchid: string;
  apiV3Key: string;
  merchantSerial: string;
  merchantPublicKeyPem: string;
  platformMode: 'certificate' | 'public_key';
  platformSerial: string;
  /** what Wechatpay-Serial carries in the current mode (certificate serial or PUB_KEY_ID_…) */
  wechatpaySerial: string;
  platformPublicKeyPem: string;
  platformPrivateKeyPem: string;
}

/** Crafts WeChat Pay v3 notifications with node:crypto alone, independent of the sandbox's code. */
export function notificationCrafter(keys: SandboxPayKeys) {
  /** A string is sent as the plaintext itself (to craft resources that are not JSON). */
  const encrypt = (plaintext: object | string, associatedData: string) => {
    const nonce = randomBytes(6).toString('hex');
    const cipher = createCipheriv(
      'aes-256-gcm',
      Buffer.from(keys.apiV3Key, 'utf8'),
      Buffer.from(nonce, 'utf8'),
    );
    cipher.setAAD(Buffer.from(associatedData, 'utf8'));
    const data = Buffer.concat([
      cipher.update(typeof plaintext === 'string' ? plaintext : JSON.stringify(plaintext), 'utf8'),
      cipher.final(),
      cipher.getAuthTag(),
    ]);
    return {
      algorithm: 'AEAD_AES_256_GCM',
      ciphertext: data.toString('base64'),
      associated_data: associatedData,
      original_type: associatedData,
      nonce,
    };
  };
  const sign = (privateKeyPem: string, message: string) =>
    createSign('RSA-SHA256').update(message).sign(privateKeyPem, 'base64');

  return {
    transaction(outTradeNo: string, totalFen: number, over: Record<string, unknown> = {}) {
      return {
        appid: keys.appid,
        mchid: keys.mchid,
        out_trade_no: outTradeNo,
        transaction_id: `42000${Date.now()}${Math.floor(Math.random() * 1e6)}`,
        trade_type: 'JSAPI',
        trade_state: 'SUCCESS',
        trade_state_desc: '支付成功',
        success_time: new Date().toISOString(),
        payer: { openid: 'o_test' },
        amount: { total: totalFen, payer_total: totalFen, currency: 'CNY', payer_currency: 'CNY' },
        ...over,
      };
    },
    /** The plaintext of a REFUND.* notification, as WeChat sends it. */
    refund(
      refund: { outTradeNo: string; outRefundNo: string; totalFen: number; refundFen: number },
      over: Record<string, unknown> = {},
    ) {
      return {
        mchid: keys.mchid,
        out_trade_no: refund.outTradeNo,
        transaction_id: `42000${Date.now()}`,
        out_refund_no: refund.outRefundNo,
        refund_id: `50${Date.now()}${Math.floor(Math.random() * 1e6)}`,
        refund_status: 'SUCCESS',
        success_time: new Date().toISOString(),
        amount: {
          total: refund.totalFen,
          refund: refund.refundFen,
          payer_total: refund.totalFen,
          payer_refund: refund.refundFen,
        },
        user_received_account: '支付用户零钱',
        ...over,
      };
    },
    /** A signed notification: body text and headers, with knobs to break each part. */
    build(
      resource: object | string,
      options: {
        eventType?: string;
        timestamp?: number;
        signWith?: string;
        serial?: string;
        tamper?: (body: string) => string;
        id?: string;
        associatedData?: string;
        /** fields of the outer body replaced as they are (a numeric event_type, a null resource) */
        envelope?: Record<string, unknown>;
        /** the whole body, signed as it is (a genuine signature over something that is no notification) */
        rawBody?: string;
      } = {},
    ) {
      const body =
        options.rawBody ??
        JSON.stringify({
          id: options.id ?? `EV-${randomBytes(8).toString('hex')}`,
          create_time: new Date().toISOString(),
          resource_type: 'encrypt-resource',
          event_type: options.eventType ?? 'TRANSACTION.SUCCESS',
          summary: '支付成功',
          resource: encrypt(resource, options.associatedData ?? 'transaction'),
          ...options.envelope,
        });
      const timestamp = String(options.timestamp ?? Math.floor(Date.now() / 1000));
      const nonce = randomBytes(16).toString('hex');
      const signature = sign(
        options.signWith ?? keys.platformPrivateKeyPem,
        `${timestamp}\n${nonce}\n${body}\n`,
      );
      return {
        body: options.tamper ? options.tamper(body) : body,
        headers: {
          'content-type': 'application/json',
          'wechatpay-timestamp': timestamp,
          'wechatpay-nonce': nonce,
          'wechatpay-signature': signature,
          'wechatpay-serial': options.serial ?? keys.wechatpaySerial,
          'wechatpay-signature-type': 'WECHATPAY2-SHA256-RSA2048',
        },
      };
    },
    /** The headers WeChat Pay signs an answer to our request with. */
    answerHeaders(text: string) {
      const timestamp = String(Math.floor(Date.now() / 1000));
      const nonce = randomBytes(16).toString('hex');
      return {
        'content-type': 'application/json',
        'wechatpay-serial': keys.wechatpaySerial,
        'wechatpay-timestamp': timestamp,
        'wechatpay-nonce': nonce,
        'wechatpay-signature': sign(keys.platformPrivateKeyPem, `${timestamp}\n${nonce}\n${text}\n`),
      };
    },
    otherKey() {
      return generateKeyPairSync('rsa', { modulusLength: 2048 })
        .privateKey.export({ type: 'pkcs8', format: 'pem' })
        .toString();
    },
  };
}

export async function payKeys(t: TestApp): Promise<SandboxPayKeys> {
  return (await t.http('GET', '/sandbox/wechat/pay/keys')).body;
}

export function postNotification(t: TestApp, n: { body: string; headers: Record<string, string> }) {
  return t.api('POST', '/payments/wechat/notify', { raw: n.body, headers: n.headers });
}

/** Waits for an asynchronous effect (the sandbox delivers refund notifications shortly after). */
export async function eventually<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  timeoutMs = 5000,
): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > until) return value;
    await new Promise((r) => setTimeout(r, 50));
  }
}
