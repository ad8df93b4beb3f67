import { createDecipheriv, createVerify } from 'node:crypto';
import request from 'supertest';
import { buildNotification, decryptResource, encryptResource, wechatpaySignatureHeaders } from './crypto';
import {
  APPID,
  MCHID,
  Receiver,
  createOrder,
  payApp,
  queryOrder,
  sharedKeyMaterial,
  type PayApp,
} from './test-support';

let pay: PayApp;
let receiver: Receiver;
beforeAll(async () => {
  pay = payApp();
  receiver = await Receiver.start();
});
afterAll(() => receiver.close());
beforeEach(() => {
  receiver.status = 200;
  receiver.answer = '';
  pay.sandbox.pay.setPlatformMode('certificate');
});

function confirm(outTradeNo: string, body?: unknown) {
  const req = request(pay.app).post(`/sandbox/wechat/pay/${outTradeNo}/confirm`);
  return body === undefined ? req : req.send(body as object);
}

function redeliver(outTradeNo: string) {
  return request(pay.app).post(`/sandbox/wechat/pay/${outTradeNo}/redeliver`);
}

/** Checks a notification the way a merchant must, with node:crypto only. */
function verifyWithNodeCrypto(headers: Record<string, unknown>, body: string, publicKeyPem: string): boolean {
  const message = `${String(headers['wechatpay-timestamp'])}\n${String(headers['wechatpay-nonce'])}\n${body}\n`;
  return createVerify('RSA-SHA256')
    .update(message)
    .verify(publicKeyPem, String(headers['wechatpay-signature']), 'base64');
}

function decryptWithNodeCrypto(
  apiV3Key: string,
  resource: { ciphertext: string; nonce: string; associated_data: string },
) {
  const data = Buffer.from(resource.ciphertext, 'base64');
  const decipher = createDecipheriv('aes-256-gcm', Buffer.from(apiV3Key), Buffer.from(resource.nonce));
  decipher.setAuthTag(data.subarray(-16));
  decipher.setAAD(Buffer.from(resource.associated_data));
  return Buffer.concat([decipher.update(data.subarray(0, -16)), decipher.final()]).toString('utf8');
}

describe('POST /sandbox/wechat/pay/:outTradeNo/confirm', () => {
  it.each(['certificate', 'public_key'] as const)(
    'pays the order and delivers a TRANSACTION.SUCCESS that verifies and decrypts (%s mode)',
    async (mode) => {
      pay.sandbox.pay.setPlatformMode(mode);
      const outTradeNo = `CONFIRM-${mode.toUpperCase()}`;
      await createOrder(pay, outTradeNo, receiver.url, { attach: 'member:7' }).expect(200);
      const res = await confirm(outTradeNo);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ delivered: true, httpStatus: 200 });

      const { headers, body } = receiver.last;
      const keys = pay.sandbox.pay.keys;
      expect(headers['content-type']).toMatch(/^application\/json/);
      expect(headers['wechatpay-serial']).toBe(
        mode === 'certificate' ? keys.platformSerial : keys.publicKeyId,
      );
      expect(headers['wechatpay-serial']).toBe(keys.wechatpaySerial);
      expect(headers['wechatpay-signature-type']).toBe('WECHATPAY2-SHA256-RSA2048');
      expect(headers['wechatpay-timestamp']).toBe(String(Math.floor(pay.clock.now() / 1000)));
      expect(verifyWithNodeCrypto(headers, body, keys.platformPublicKeyPem)).toBe(true);
      expect(
        verifyWithNodeCrypto(headers, body.replace('TRANSACTION', 'TRANSACTIOM'), keys.platformPublicKeyPem),
      ).toBe(false);
      expect(verifyWithNodeCrypto(headers, body, keys.merchantPublicKeyPem)).toBe(false);

      const notification = JSON.parse(body);
      expect(Object.keys(notification)).toEqual([
        'id',
        'create_time',
        'resource_type',
        'event_type',
        'summary',
        'resource',
      ]);
      expect(notification).toEqual({
        id: expect.stringMatching(/^EV-\d+$/),
        create_time: '2025-06-01T16:00:00+08:00',
        resource_type: 'encrypt-resource',
        event_type: 'TRANSACTION.SUCCESS',
        summary: '支付成功',
        resource: {
          original_type: 'transaction',
          algorithm: 'AEAD_AES_256_GCM',
          ciphertext: expect.any(String),
          associated_data: 'transaction',
          nonce: expect.stringMatching(/^[A-Za-z0-9]{12}$/),
        },
      });
      const transaction = JSON.parse(decryptWithNodeCrypto(keys.apiV3Key, notification.resource));
      expect(transaction).toEqual({
        appid: APPID,
        mchid: MCHID,
        out_trade_no: outTradeNo,
        transaction_id: expect.stringMatching(/^\d{28}$/),
        trade_type: 'JSAPI',
        trade_state: 'SUCCESS',
        trade_state_desc: '支付成功',
        bank_type: 'OTHERS',
        attach: 'member:7',
        success_time: '2025-06-01T16:00:00+08:00',
        payer: { openid: 'o-alice' },
        amount: { total: 2500, payer_total: 2500, currency: 'CNY', payer_currency: 'CNY' },
      });
      // What the notification says is what a query says.
      expect((await queryOrder(pay, outTradeNo)).body).toEqual(transaction);

      // A tampered tag (or ciphertext) does not decrypt.
      const data = Buffer.from(notification.resource.ciphertext, 'base64');
      data[data.length - 1]! ^= 0x01;
      const tampered = { ...notification.resource, ciphertext: data.toString('base64') };
      expect(() => decryptWithNodeCrypto(keys.apiV3Key, tampered)).toThrow();
      expect(() => decryptResource(keys.apiV3Key, tampered)).toThrow();
      expect(() =>
        decryptResource(keys.apiV3Key, { ...notification.resource, associated_data: 'refund' }),
      ).toThrow();
    },
  );

  it('signs API answers with the serial of the current mode too', async () => {
    pay.sandbox.pay.setPlatformMode('public_key');
    const res = await queryOrder(pay, 'CONFIRM-CERTIFICATE');
    expect(res.headers['wechatpay-serial']).toMatch(/^PUB_KEY_ID_\d+$/);
    expect(verifyWithNodeCrypto(res.headers, res.text, pay.keys.platformPublicKeyPem)).toBe(true);
  });

  it('reports what the receiver answered and records every attempt', async () => {
    await createOrder(pay, 'CONFIRM-500-01', receiver.url).expect(200);
    receiver.status = 500;
    receiver.answer = '{"code":"FAIL","message":"db down"}';
    const res = await confirm('CONFIRM-500-01');
    expect(res.body).toEqual({ delivered: false, httpStatus: 500 });
    // The payer has paid all the same.
    expect((await queryOrder(pay, 'CONFIRM-500-01')).body.trade_state).toBe('SUCCESS');

    receiver.status = 204;
    expect((await redeliver('CONFIRM-500-01')).body).toEqual({ delivered: true, httpStatus: 204 });
    const view = await request(pay.app).get('/sandbox/wechat/pay/CONFIRM-500-01');
    expect(view.status).toBe(200);
    expect(view.body.deliveries).toEqual([
      expect.objectContaining({
        eventType: 'TRANSACTION.SUCCESS',
        url: receiver.url,
        httpStatus: 500,
        delivered: false,
        responseBody: '{"code":"FAIL","message":"db down"}',
      }),
      expect.objectContaining({ httpStatus: 204, delivered: true }),
    ]);
    expect(view.body.deliveries[0].eventId).toBe(view.body.deliveries[1].eventId);
  });

  it('reports an unreachable receiver with httpStatus null', async () => {
    await createOrder(pay, 'CONFIRM-DOWN-01', 'http://127.0.0.1:1/notify').expect(200);
    const res = await confirm('CONFIRM-DOWN-01');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ delivered: false, httpStatus: null, error: expect.any(String) });
  });

  it('refuses to pay twice (409 ALREADY_PAID) and delivers nothing', async () => {
    await createOrder(pay, 'CONFIRM-TWICE-01', receiver.url).expect(200);
    await confirm('CONFIRM-TWICE-01').expect(200);
    const count = receiver.received.length;
    const res = await confirm('CONFIRM-TWICE-01');
    expect(res.status).toBe(409);
    expect(res.body).toEqual({ error: { code: 'ALREADY_PAID', message: expect.any(String) } });
    expect(receiver.received.length).toBe(count);
  });

  it('refuses an order past its time_expire (409 ORDER_EXPIRED)', async () => {
    const local = payApp();
    await createOrder(local, 'CONFIRM-LATE-01', receiver.url, {
      time_expire: '2025-06-01T16:05:00+08:00',
    }).expect(200);
    local.clock.advance(5 * 60 * 1000);
    const res = await request(local.app).post('/sandbox/wechat/pay/CONFIRM-LATE-01/confirm');
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('ORDER_EXPIRED');
  });

  it('answers 404 NOT_FOUND for an unknown order, and refuses a body', async () => {
    const unknown = await confirm('CONFIRM-NONE-01');
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('NOT_FOUND');
    expect((await redeliver('CONFIRM-NONE-01')).status).toBe(404);
    expect((await request(pay.app).get('/sandbox/wechat/pay/CONFIRM-NONE-01')).status).toBe(404);

    await createOrder(pay, 'CONFIRM-BODY-01', receiver.url).expect(200);
    const withBody = await confirm('CONFIRM-BODY-01', { amount: 1 });
    expect(withBody.status).toBe(400);
    expect(withBody.body.error.code).toBe('VALIDATION_FAILED');
    expect((await confirm('CONFIRM-BODY-01', {})).status).toBe(200);
  });
});

describe('POST /sandbox/wechat/pay/:outTradeNo/redeliver', () => {
  it('sends the identical body again, with fresh signature headers in the current mode', async () => {
    await createOrder(pay, 'REDELIVER-01', receiver.url).expect(200);
    await confirm('REDELIVER-01').expect(200);
    const first = receiver.last;
    pay.clock.advance(60_000);
    pay.sandbox.pay.setPlatformMode('public_key');
    const res = await redeliver('REDELIVER-01');
    expect(res.body).toEqual({ delivered: true, httpStatus: 200 });
    const second = receiver.last;
    expect(second.body).toBe(first.body);
    expect(second.headers['wechatpay-timestamp']).toBe(
      String(Number(first.headers['wechatpay-timestamp']) + 60),
    );
    expect(second.headers['wechatpay-serial']).toBe(pay.keys.publicKeyId);
    expect(verifyWithNodeCrypto(second.headers, second.body, pay.keys.platformPublicKeyPem)).toBe(true);
  });

  it('refuses an unpaid order (409 NOT_PAID)', async () => {
    await createOrder(pay, 'REDELIVER-UNPAID', receiver.url).expect(200);
    const res = await redeliver('REDELIVER-UNPAID');
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('NOT_PAID');
  });
});

describe('GET /sandbox/wechat/pay/:outTradeNo', () => {
  it('shows the transaction as WeChat sees it, with refunds and deliveries', async () => {
    await createOrder(pay, 'VIEW-ORDER-01', receiver.url).expect(200);
    const res = await request(pay.app).get('/sandbox/wechat/pay/VIEW-ORDER-01');
    expect(res.body).toMatchObject({
      out_trade_no: 'VIEW-ORDER-01',
      trade_state: 'NOTPAY',
      description: 'Alliance coffee - latte',
      notify_url: receiver.url,
      prepay_id: expect.stringMatching(/^wx/),
      refunds: [],
      deliveries: [],
    });
  });
});

describe('GET /sandbox/wechat/pay/keys and POST /sandbox/wechat/pay/platform-mode', () => {
  it('gives the development key material and switches the mode', async () => {
    const keys = await request(pay.app).get('/sandbox/wechat/pay/keys');
    expect(keys.status).toBe(200);
    expect(keys.body).toMatchObject({
      appid: APPID,
      mchid: MCHID,
      apiV3Key: expect.stringMatching(/^[A-Za-z0-9]{32}$/),
      merchantSerial: expect.stringMatching(/^[0-9A-F]{40}$/),
      merchantPublicKeyPem: expect.stringContaining('BEGIN PUBLIC KEY'),
      platformMode: 'certificate',
      platformSerial: expect.stringMatching(/^[0-9A-F]{40}$/),
      publicKeyId: expect.stringMatching(/^PUB_KEY_ID_\d+$/),
      platformPublicKeyPem: expect.stringContaining('BEGIN PUBLIC KEY'),
      platformPrivateKeyPem: expect.stringContaining('BEGIN PRIVATE KEY'),
    });
    expect(keys.body.wechatpaySerial).toBe(keys.body.platformSerial);
    // The merchant's private key stays with the server.
    expect(keys.body.merchantPrivateKeyPem).toBeUndefined();

    const switched = await request(pay.app)
      .post('/sandbox/wechat/pay/platform-mode')
      .send({ mode: 'public_key' });
    expect(switched.body).toEqual({ platformMode: 'public_key', wechatpaySerial: keys.body.publicKeyId });
    expect(pay.sandbox.pay.keys.platformMode).toBe('public_key');
    const after = await request(pay.app).get('/sandbox/wechat/pay/keys');
    expect(after.body).toMatchObject({ platformMode: 'public_key', wechatpaySerial: keys.body.publicKeyId });
  });

  it.each([[{}], [{ mode: 'both' }], [{ mode: 'public_key', extra: 1 }]])('refuses %j', async (body) => {
    const res = await request(pay.app).post('/sandbox/wechat/pay/platform-mode').send(body);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
  });
});

describe('crypto helpers for crafting notifications', () => {
  const keys = sharedKeyMaterial();

  it('build a notification any merchant can verify and decrypt', () => {
    const notification = buildNotification({
      apiV3Key: keys.apiV3Key,
      eventType: 'REFUND.SUCCESS',
      resource: { out_refund_no: 'R1' },
      id: 'EV-1',
      createTime: '2025-06-01T16:00:00+08:00',
    });
    expect(notification).toMatchObject({
      id: 'EV-1',
      event_type: 'REFUND.SUCCESS',
      summary: '退款成功',
      resource: { original_type: 'refund', associated_data: 'refund', algorithm: 'AEAD_AES_256_GCM' },
    });
    expect(JSON.parse(decryptResource(keys.apiV3Key, notification.resource))).toEqual({
      out_refund_no: 'R1',
    });

    const body = JSON.stringify(notification);
    const headers = wechatpaySignatureHeaders({
      privateKeyPem: keys.platformPrivateKeyPem,
      serial: 'S',
      body,
    });
    const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
    expect(verifyWithNodeCrypto(lower, body, keys.platformPublicKeyPem)).toBe(true);
  });

  it('encrypt with the given nonce and refuse a key that is not 32 bytes', () => {
    const a = encryptResource(keys.apiV3Key, 'x', 'certificate', 'abcdefghijkl');
    const b = encryptResource(keys.apiV3Key, 'x', 'certificate', 'abcdefghijkl');
    expect(a).toEqual(b);
    expect(decryptResource(keys.apiV3Key, a)).toBe('x');
    expect(() => encryptResource('short', 'x', '')).toThrow();
  });
});
