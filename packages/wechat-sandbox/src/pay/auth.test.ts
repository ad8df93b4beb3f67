import { generateKeyPairSync } from 'node:crypto';
import express from 'express';
import request from 'supertest';
import { createWechatSandbox } from '../index';
import { APPID, PUBLIC_URL, SECRET } from '../test-support';
import { merchantAuthorization, merchantSignatureMessage, parseAuthorization } from './auth';
import { signMessage, verifyMessage } from './crypto';
import {
  FakeClock,
  MCHID,
  MINUTE,
  createOrder,
  payApp,
  queryOrder,
  sharedKeyMaterial,
  signed,
  wechatpaySignatureValid,
  type PayApp,
} from './test-support';

const NOTIFY_URL = 'https://merchant.example.com/api/v1/payments/wechat/notify';

describe('merchantAuthorization / parseAuthorization', () => {
  it('builds the header WeChat documents and parses it back in any field order', () => {
    const keys = sharedKeyMaterial();
    const header = merchantAuthorization({
      method: 'GET',
      pathAndQuery: '/v3/certificates',
      mchid: MCHID,
      serial: keys.merchantSerial,
      privateKeyPem: keys.merchantPrivateKeyPem,
      timestamp: 1554208460,
      nonce: '593BEC0C930BF1AFEB40B4A08C8FB242',
    });
    expect(header).toMatch(
      /^WECHATPAY2-SHA256-RSA2048 mchid="1900000109",nonce_str="593BEC0C930BF1AFEB40B4A08C8FB242",signature="[A-Za-z0-9+/=]{344}",timestamp="1554208460",serial_no="[0-9A-F]{40}"$/,
    );
    const parsed = parseAuthorization(header)!;
    expect(parsed).toMatchObject({ mchid: MCHID, timestamp: '1554208460', serial_no: keys.merchantSerial });
    // GET: the body line is empty, but still ends with \n.
    const message = 'GET\n/v3/certificates\n1554208460\n593BEC0C930BF1AFEB40B4A08C8FB242\n\n';
    expect(
      merchantSignatureMessage('get', '/v3/certificates', 1554208460, '593BEC0C930BF1AFEB40B4A08C8FB242', ''),
    ).toBe(message);
    expect(verifyMessage(keys.merchantPublicKeyPem, message, parsed.signature)).toBe(true);

    const reordered = `WECHATPAY2-SHA256-RSA2048 serial_no="${parsed.serial_no}", timestamp="1554208460",mchid="${MCHID}",signature="${parsed.signature}",nonce_str="n"`;
    expect(parseAuthorization(reordered)).toMatchObject({ serial_no: parsed.serial_no, nonce_str: 'n' });
  });

  it.each([
    ['no header', undefined],
    ['another scheme', 'Bearer abc'],
    ['a missing field', 'WECHATPAY2-SHA256-RSA2048 mchid="1",nonce_str="n",signature="s",timestamp="1"'],
    [
      'an empty field',
      'WECHATPAY2-SHA256-RSA2048 mchid="",nonce_str="n",signature="s",timestamp="1",serial_no="x"',
    ],
    [
      'an unquoted value',
      'WECHATPAY2-SHA256-RSA2048 mchid=1,nonce_str="n",signature="s",timestamp="1",serial_no="x"',
    ],
    [
      'a repeated field',
      'WECHATPAY2-SHA256-RSA2048 mchid="1",mchid="2",nonce_str="n",signature="s",timestamp="1",serial_no="x"',
    ],
  ])('refuses %s', (_case, header) => {
    expect(parseAuthorization(header)).toBeNull();
  });
});

describe('APIv3 request authentication', () => {
  let pay: PayApp;
  beforeAll(() => {
    pay = payApp();
  });

  function expectSignError(res: request.Response) {
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ code: 'SIGN_ERROR', message: expect.any(String) });
    // Errors are signed like any answer.
    expect(wechatpaySignatureValid(res.headers, res.text, pay.keys.platformPublicKeyPem)).toBe(true);
  }

  it('accepts a correctly signed request and signs its answer like WeChat', async () => {
    const res = await createOrder(pay, 'AUTH-OK-0001', NOTIFY_URL);
    expect(res.status).toBe(200);
    expect(res.body.prepay_id).toMatch(/^wx\d{14}[0-9a-f]{20}$/);
    expect(res.headers['wechatpay-serial']).toBe(pay.keys.platformSerial);
    expect(res.headers['wechatpay-timestamp']).toBe(String(Math.floor(pay.clock.now() / 1000)));
    expect(res.headers['wechatpay-nonce']).toMatch(/^[0-9A-F]{32}$/);
    expect(res.headers['request-id']).toMatch(/^[0-9A-F]+$/);
    expect(wechatpaySignatureValid(res.headers, res.text, pay.keys.platformPublicKeyPem)).toBe(true);
    // The signature covers the exact bytes of the body.
    expect(wechatpaySignatureValid(res.headers, `${res.text} `, pay.keys.platformPublicKeyPem)).toBe(false);
  });

  it('signs over the path without the /sandbox mount, query included', async () => {
    await createOrder(pay, 'AUTH-PATH-01', NOTIFY_URL).expect(200);
    const good = await queryOrder(pay, 'AUTH-PATH-01');
    expect(good.status).toBe(200);

    // Signed for another query than the one sent.
    const path = `/v3/pay/transactions/out-trade-no/AUTH-PATH-01?mchid=${MCHID}`;
    const authorization = merchantAuthorization({
      method: 'GET',
      pathAndQuery: `/v3/pay/transactions/out-trade-no/AUTH-PATH-01`,
      mchid: MCHID,
      serial: pay.keys.merchantSerial,
      privateKeyPem: pay.keys.merchantPrivateKeyPem,
      timestamp: Math.floor(pay.clock.now() / 1000),
    });
    expectSignError(await request(pay.app).get(`/sandbox${path}`).set('Authorization', authorization));

    // Signed including the mount prefix.
    const withPrefix = merchantAuthorization({
      method: 'GET',
      pathAndQuery: `/sandbox${path}`,
      mchid: MCHID,
      serial: pay.keys.merchantSerial,
      privateKeyPem: pay.keys.merchantPrivateKeyPem,
      timestamp: Math.floor(pay.clock.now() / 1000),
    });
    expectSignError(await request(pay.app).get(`/sandbox${path}`).set('Authorization', withPrefix));
  });

  it('refuses a bad signature, saying what it signed', async () => {
    const other = generateKeyPairSync('rsa', {
      modulusLength: 2048,
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
      publicKeyEncoding: { type: 'spki', format: 'pem' },
    });
    const res = await signed(pay, {
      method: 'GET',
      pathAndQuery: '/v3/certificates',
      auth: { privateKeyPem: other.privateKey },
    });
    expectSignError(res);
    expect(res.body.detail).toMatchObject({
      field: 'signature',
      location: 'authorization',
      sign_information: { method: 'GET', url: '/v3/certificates' },
    });
  });

  it('refuses a body other than the one signed', async () => {
    const res = await signed(pay, {
      method: 'POST',
      pathAndQuery: '/v3/pay/transactions/jsapi',
      body: { out_trade_no: 'AUTH-BODY-01' },
      sendBody: JSON.stringify({ out_trade_no: 'AUTH-BODY-02' }),
    });
    expectSignError(res);
  });

  it('refuses a signature over a re-serialised body (the raw bytes count)', async () => {
    const body = `{ "mchid": "${MCHID}" }`;
    const res = await signed(pay, {
      method: 'POST',
      pathAndQuery: '/v3/pay/transactions/out-trade-no/AUTH-OK-0001/close',
      body: JSON.stringify(JSON.parse(body)),
      sendBody: body,
    });
    expectSignError(res);
  });

  it('refuses a wrong certificate serial and a wrong merchant id', async () => {
    const wrongSerial = await signed(pay, {
      method: 'GET',
      pathAndQuery: '/v3/certificates',
      auth: { serial: '1DDE55AD98ED71D6EDD4A4A16996DE7B47773A8C' },
    });
    expectSignError(wrongSerial);
    expect(wrongSerial.body.detail).toMatchObject({ field: 'serial_no' });

    const wrongMchid = await signed(pay, {
      method: 'GET',
      pathAndQuery: '/v3/certificates',
      auth: { mchid: '1900000001' },
    });
    expectSignError(wrongMchid);
    expect(wrongMchid.body.detail).toMatchObject({ field: 'mchid' });
  });

  it('accepts the serial in lower case, as some SDKs read it from the certificate', async () => {
    const res = await signed(pay, {
      method: 'GET',
      pathAndQuery: '/v3/certificates',
      auth: { serial: pay.keys.merchantSerial.toLowerCase() },
    });
    expect(res.status).toBe(200);
  });

  it('refuses a timestamp more than 5 minutes off, either way', async () => {
    const nowSeconds = Math.floor(pay.clock.now() / 1000);
    for (const timestamp of [nowSeconds - 5 * 60, nowSeconds + 5 * 60]) {
      const res = await signed(pay, { method: 'GET', pathAndQuery: '/v3/certificates', auth: { timestamp } });
      expect(res.status).toBe(200);
    }
    for (const timestamp of [nowSeconds - 5 * 60 - 1, nowSeconds + 5 * 60 + 1]) {
      const res = await signed(pay, { method: 'GET', pathAndQuery: '/v3/certificates', auth: { timestamp } });
      expectSignError(res);
      expect(res.body.detail).toMatchObject({ field: 'timestamp' });
    }
  });

  it('refuses a request signed 6 minutes ago (a replay)', async () => {
    const local = payApp();
    const signedAt = Math.floor(local.clock.now() / 1000);
    local.clock.advance(6 * MINUTE);
    const res = await signed(local, {
      method: 'GET',
      pathAndQuery: '/v3/certificates',
      auth: { timestamp: signedAt },
    });
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('SIGN_ERROR');
  });

  it('refuses a missing or malformed Authorization header', async () => {
    expectSignError(await request(pay.app).get('/sandbox/v3/certificates'));
    expectSignError(await request(pay.app).get('/sandbox/v3/certificates').set('Authorization', 'Bearer x'));
    const nonNumeric = await signed(pay, {
      method: 'GET',
      pathAndQuery: '/v3/certificates',
      auth: { timestamp: NaN },
    });
    expectSignError(nonNumeric);
  });

  it('authenticates before routing: an unknown /v3 path is 401 unsigned, 404 signed', async () => {
    expectSignError(await request(pay.app).get('/sandbox/v3/nothing/here'));
    const res = await signed(pay, { method: 'GET', pathAndQuery: '/v3/nothing/here' });
    expect(res.status).toBe(404);
    expect(res.body.code).toBe('NOT_FOUND');
  });
});

describe('raw body behind a parser that already read it', () => {
  const material = sharedKeyMaterial();

  function appWith(upstream: express.RequestHandler) {
    const clock = new FakeClock();
    const sandbox = createWechatSandbox({
      appid: APPID,
      secret: SECRET,
      publicUrl: PUBLIC_URL,
      now: clock.now,
      pay: { mchid: MCHID, keyMaterial: material },
    });
    const app = express();
    app.use(upstream);
    app.use('/sandbox', sandbox.router);
    return { app, clock, sandbox, keys: sandbox.pay.keys };
  }

  const spaced = (no: string) =>
    `{ "appid": "${APPID}", "mchid": "${MCHID}", "description": "d", "out_trade_no": "${no}", "notify_url": "${NOTIFY_URL}", "amount": { "total": 1 }, "payer": { "openid": "o" } }`;

  it('uses req.rawBody (NestJS rawBody: true) so any formatting verifies', async () => {
    const pay = appWith(
      express.json({
        verify: (req, _res, buf) => {
          (req as unknown as { rawBody: Buffer }).rawBody = buf;
        },
      }),
    );
    const res = await signed(pay, {
      method: 'POST',
      pathAndQuery: '/v3/pay/transactions/jsapi',
      body: spaced('RAW-00001'),
    });
    expect(res.status).toBe(200);
  });

  it('falls back to the re-serialised body when no raw body was kept', async () => {
    const pay = appWith(express.json());
    const compact = JSON.stringify(JSON.parse(spaced('RAW-00002')));
    const res = await signed(pay, {
      method: 'POST',
      pathAndQuery: '/v3/pay/transactions/jsapi',
      body: compact,
    });
    expect(res.status).toBe(200);
  });
});

describe('signMessage / verifyMessage', () => {
  it('is SHA256withRSA in base64 and rejects garbage without throwing', () => {
    const keys = sharedKeyMaterial();
    const signature = signMessage(keys.platformPrivateKeyPem, 'hello\n');
    expect(verifyMessage(keys.platformPublicKeyPem, 'hello\n', signature)).toBe(true);
    expect(verifyMessage(keys.platformPublicKeyPem, 'hello', signature)).toBe(false);
    expect(verifyMessage(keys.merchantPublicKeyPem, 'hello\n', signature)).toBe(false);
    expect(verifyMessage('not a key', 'hello\n', signature)).toBe(false);
  });
});
