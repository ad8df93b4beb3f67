import type { AddressInfo } from 'node:net';
import type { IncomingHttpHeaders, Server } from 'node:http';
import express from 'express';
import request from 'supertest';
import { createWechatSandbox, type WechatPaySandboxOptions, type WechatSandbox } from '../index';
import { APPID, FakeClock, PUBLIC_URL, SECRET } from '../test-support';
import { merchantAuthorization } from './auth';
import { verifyMessage, wechatpayMessage } from './crypto';
import { generatePayKeyMaterial, type PayKeyMaterial, type PayKeys } from './keys';

export { APPID, FakeClock, MINUTE } from '../test-support';
export const MCHID = '1900000109';

let shared: PayKeyMaterial | undefined;

/** One key generation per test file: every sandbox of the file shares this material. */
export function sharedKeyMaterial(): PayKeyMaterial {
  shared ??= generatePayKeyMaterial({ mchid: MCHID });
  return shared;
}

export interface PayApp {
  app: express.Express;
  clock: FakeClock;
  sandbox: WechatSandbox;
  keys: PayKeys;
}

/** A sandbox on the file's shared keys; pass `clock` (and stateFile) to restart one on the same state. */
export function payApp(
  options: Omit<WechatPaySandboxOptions, 'mchid' | 'keyMaterial' | 'keyFile'> & { clock?: FakeClock } = {},
): PayApp {
  const { clock = new FakeClock(), ...payOptions } = options;
  const sandbox = createWechatSandbox({
    appid: APPID,
    secret: SECRET,
    publicUrl: PUBLIC_URL,
    now: clock.now,
    pay: { mchid: MCHID, keyMaterial: sharedKeyMaterial(), ...payOptions },
  });
  const app = express();
  app.use('/sandbox', sandbox.router);
  return { app, clock, sandbox, keys: sandbox.pay.keys };
}

export interface SignedCall {
  method: 'GET' | 'POST';
  /** As the merchant signs it: without /sandbox. */
  pathAndQuery: string;
  body?: object | string;
  /** Overrides for the Authorization header. */
  auth?: Partial<{ mchid: string; serial: string; privateKeyPem: string; timestamp: number; nonce: string }>;
  /** Send this body instead of the one signed. */
  sendBody?: string;
}

/** A request as the server's WeChat Pay client makes it: signed with the merchant key. */
export function signed(pay: PayApp, call: SignedCall): request.Test {
  const body =
    call.body === undefined ? '' : typeof call.body === 'string' ? call.body : JSON.stringify(call.body);
  const authorization = merchantAuthorization({
    method: call.method,
    pathAndQuery: call.pathAndQuery,
    body,
    mchid: call.auth?.mchid ?? pay.keys.mchid,
    serial: call.auth?.serial ?? pay.keys.merchantSerial,
    privateKeyPem: call.auth?.privateKeyPem ?? pay.keys.merchantPrivateKeyPem,
    timestamp: call.auth?.timestamp ?? Math.floor(pay.clock.now() / 1000),
    ...(call.auth?.nonce !== undefined ? { nonce: call.auth.nonce } : {}),
  });
  const url = `/sandbox${call.pathAndQuery}`;
  const test = (call.method === 'GET' ? request(pay.app).get(url) : request(pay.app).post(url))
    .set('Authorization', authorization)
    .set('Accept', 'application/json');
  const sent = call.sendBody ?? body;
  return sent === '' ? test : test.set('Content-Type', 'application/json').send(sent);
}

/** POST /v3/pay/transactions/jsapi with a valid order, overridable field by field. */
export function jsapiOrder(outTradeNo: string, notifyUrl: string, overrides: Record<string, unknown> = {}) {
  return {
    appid: APPID,
    mchid: MCHID,
    description: 'Alliance coffee - latte',
    out_trade_no: outTradeNo,
    notify_url: notifyUrl,
    amount: { total: 2500, currency: 'CNY' },
    payer: { openid: 'o-alice' },
    ...overrides,
  };
}

export function createOrder(
  pay: PayApp,
  outTradeNo: string,
  notifyUrl: string,
  overrides: Record<string, unknown> = {},
) {
  return signed(pay, {
    method: 'POST',
    pathAndQuery: '/v3/pay/transactions/jsapi',
    body: jsapiOrder(outTradeNo, notifyUrl, overrides),
  });
}

export function queryOrder(pay: PayApp, outTradeNo: string) {
  return signed(pay, {
    method: 'GET',
    pathAndQuery: `/v3/pay/transactions/out-trade-no/${outTradeNo}?mchid=${MCHID}`,
  });
}

/** True when the Wechatpay-* headers sign this body under the given public key. */
export function wechatpaySignatureValid(
  headers: Record<string, string | string[] | undefined>,
  body: string,
  publicKeyPem: string,
): boolean {
  return verifyMessage(
    publicKeyPem,
    wechatpayMessage(String(headers['wechatpay-timestamp']), String(headers['wechatpay-nonce']), body),
    String(headers['wechatpay-signature']),
  );
}

export interface ReceivedNotification {
  headers: IncomingHttpHeaders;
  body: string;
  /** Date.now() on arrival (real time, whatever the sandbox clock says). */
  arrivedAt: number;
}

/** A merchant notify endpoint on 127.0.0.1: records what arrives and answers as told. */
export class Receiver {
  readonly received: ReceivedNotification[] = [];
  status = 200;
  /** Statuses to answer first, one per notification, before falling back to `status`. */
  script: number[] = [];
  answer = '';
  private hold: { arrive: () => void; released: Promise<void> } | null = null;
  private constructor(private readonly server: Server) {}

  static async start(): Promise<Receiver> {
    const app = express();
    const holder: { receiver?: Receiver } = {};
    app.post('/notify', express.text({ type: () => true }), (req, res) => {
      const receiver = holder.receiver!;
      receiver.received.push({ headers: req.headers, body: String(req.body), arrivedAt: Date.now() });
      const hold = receiver.hold;
      if (hold) {
        receiver.hold = null;
        hold.arrive();
        void hold.released.then(() => res.status(200).end());
        return;
      }
      res.status(receiver.script.shift() ?? receiver.status).send(receiver.answer);
    });
    const server = await new Promise<Server>((resolve) => {
      const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
    });
    holder.receiver = new Receiver(server);
    return holder.receiver;
  }

  /** The next notification gets no answer until release(): a sender that dies meanwhile never hears. */
  hangNext(): { arrived: Promise<void>; release: () => void } {
    let arrive!: () => void;
    let release!: () => void;
    const arrived = new Promise<void>((r) => (arrive = r));
    const released = new Promise<void>((r) => (release = r));
    this.hold = { arrive, released };
    return { arrived, release };
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/notify`;
  }

  get last(): ReceivedNotification {
    const last = this.received.at(-1);
    if (!last) throw new Error('nothing received');
    return last;
  }

  close(): Promise<void> {
    return new Promise((resolve, reject) => this.server.close((err) => (err ? reject(err) : resolve())));
  }
}
