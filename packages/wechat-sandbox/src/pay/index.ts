import { Router } from 'express';
import { authenticateMerchant } from './auth';
import { certificatesRouter } from './certificates';
import { PayCredentials, type PayKeyMaterial, type PayKeys, type PlatformMode } from './keys';
import { PayLedger } from './ledger';
import { Notifier } from './notify';
import { NotificationCourier } from './redelivery';
import { RefundDesk, refundsRouter, type RefundHold } from './refunds';
import { stateFileBeside } from './state';
import { payTestRouter } from './test-facing';
import { transactionsRouter } from './transactions';
import { readRawBody, sendV3Failure, v3Failure, V3Failure, type V3Context } from './v3';

export interface WechatPaySandboxOptions {
  /** The sandbox merchant id; default 1900000109. */
  mchid?: string;
  /**
   * Where to keep the key material as JSON (directories created). Read when it exists, written on
   * first use otherwise, so a development server keeps its keys across restarts. Without it (and
   * without keyMaterial) the keys live in memory.
   */
  keyFile?: string;
  /** Key material to use as is, e.g. one generatePayKeyMaterial() shared by several tests. */
  keyMaterial?: PayKeyMaterial;
  /** How answers and notifications are signed: platform certificate serial or PUB_KEY_ID_. Default certificate. */
  platformMode?: PlatformMode;
  /** How long a refund stays PROCESSING; default 50 ms. */
  refundDelayMs?: number;
  /** How long a notification receiver may take to answer; default 5000 ms. */
  deliveryTimeoutMs?: number;
  /**
   * Where the payments, refunds and pending redeliveries are kept (JSON, replaced atomically on every
   * change); default beside keyFile (wechat-sandbox-keys.json → wechat-sandbox-keys.pay-state.json).
   * Without either the state lives in memory. One sandbox per state file.
   */
  stateFile?: string;
  /**
   * WeChat's redelivery schedule (15 s, 15 s, 30 s, 3 min, … 6 h) multiplied by this: 1 (default) is
   * real time, 0.001 compresses it for tests, 0 turns redelivery off.
   */
  redeliveryScale?: number;
}

export interface WechatPaySandbox {
  /**
   * The merchant credentials the server uses in sandbox mode, and the platform side. Generated (or
   * read from keyFile) on first access; a fresh object on each access, reflecting the current mode.
   */
  readonly keys: PayKeys;
  setPlatformMode(mode: PlatformMode): void;
  /** Resolves once every refund accepted so far has succeeded and its notification was attempted. */
  idle(): Promise<void>;
  /**
   * Crash tests: park refund requests (see RefundHold) from now on; null lifts the hold and lets the
   * parked ones go on.
   */
  holdRefunds(mode: RefundHold | null): void;
  /** Refund requests parked right now. */
  readonly heldRefunds: number;
  /**
   * Resumes what the state file left under way: refunds still PROCESSING settle, pending
   * redeliveries fire at their due time. Runs at most once; the sandbox's first request runs it too.
   * Call it only in the process whose sandbox the server talks to (one sandbox per state file).
   */
  start(): void;
  /** Notifications not yet answered 2xx that are still due to be redelivered. */
  readonly pendingRedeliveries: number;
  /** Resolves once no redelivery is pending or under way. */
  redeliveriesIdle(): Promise<void>;
  /** Stops the redelivery timers; the pending ones stay in the state file for the next start. */
  close(): void;
}

/**
 * WeChat Pay APIv3 for the sandbox. apiRouter must come before any JSON parser of the sandbox
 * router (it reads raw bodies for the signature check); testRouter after it.
 */
export function createPaySandbox(
  appid: string,
  options: WechatPaySandboxOptions,
  now: () => number,
): { apiRouter: Router; testRouter: Router; pay: WechatPaySandbox } {
  const credentials = new PayCredentials({
    appid,
    now,
    ...(options.mchid !== undefined ? { mchid: options.mchid } : {}),
    ...(options.keyFile !== undefined ? { keyFile: options.keyFile } : {}),
    ...(options.keyMaterial !== undefined ? { keyMaterial: options.keyMaterial } : {}),
    ...(options.platformMode !== undefined ? { platformMode: options.platformMode } : {}),
  });
  const stateFile =
    options.stateFile ?? (options.keyFile !== undefined ? stateFileBeside(options.keyFile) : undefined);
  const ledger = new PayLedger(stateFile);
  const notifier = new Notifier(credentials, now, options.deliveryTimeoutMs);
  const courier = new NotificationCourier(ledger, notifier, now, options.redeliveryScale ?? 1);
  const refunds = new RefundDesk(credentials, ledger, notifier, courier, now, options.refundDelayMs);
  let started = false;
  const start = () => {
    if (started) return;
    started = true;
    refunds.resume();
    courier.resume();
  };

  const apiRouter = Router();
  apiRouter.use((_req, _res, next) => {
    start();
    next();
  });
  // Every /v3 request is authenticated first, on its raw body, as WeChat's gateway does.
  apiRouter.use(async (req, res, next) => {
    if (!req.path.startsWith('/v3/')) {
      next();
      return;
    }
    let rawBody: string;
    try {
      rawBody = await readRawBody(req);
    } catch (err) {
      if (err instanceof V3Failure) {
        sendV3Failure(res, credentials, now, err);
        return;
      }
      throw err;
    }
    const result = authenticateMerchant(credentials, now(), {
      method: req.method,
      pathAndQuery: req.url,
      authorization: req.get('authorization'),
      body: rawBody,
    });
    if (result instanceof V3Failure) {
      sendV3Failure(res, credentials, now, result);
      return;
    }
    const context: V3Context = { rawBody, mchid: result.mchid };
    res.locals.wechatPayV3 = context;
    next();
  });
  apiRouter.use(transactionsRouter(credentials, ledger, now));
  apiRouter.use(refundsRouter(credentials, ledger, refunds, now));
  apiRouter.use(certificatesRouter(credentials, now));
  apiRouter.use((req, res, next) => {
    if (!req.path.startsWith('/v3/')) {
      next();
      return;
    }
    sendV3Failure(res, credentials, now, v3Failure(404, 'NOT_FOUND', `${req.method} ${req.path} 不存在`));
  });

  return {
    apiRouter,
    testRouter: payTestRouter(credentials, ledger, notifier, courier, refunds, now),
    pay: {
      get keys() {
        return credentials.keys();
      },
      setPlatformMode: (mode) => credentials.setPlatformMode(mode),
      idle: () => refunds.idle(),
      holdRefunds: (mode) => refunds.setHold(mode),
      get heldRefunds() {
        return refunds.parkedCount;
      },
      start,
      get pendingRedeliveries() {
        return courier.pendingCount;
      },
      redeliveriesIdle: () => courier.idle(),
      close: () => courier.close(),
    },
  };
}
