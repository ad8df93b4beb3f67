import express, { Router } from 'express';
import { bodyErrorHandler } from './http';
import { loginRouter, sessionKeyDeriver } from './login';
import { createPaySandbox, type WechatPaySandbox, type WechatPaySandboxOptions } from './pay';
import { phoneRouter } from './phone';
import { SingleUseCodes } from './store';
import {
  DEFAULT_SUBSCRIBE_TEMPLATES,
  SubscribeMessages,
  subscribeRouter,
  type SubscribeTemplate,
} from './subscribe';
import { AccessTokens, tokenRouter } from './token';
import { wxacodeRouter } from './wxacode';

export {
  DEFAULT_SUBSCRIBE_TEMPLATES,
  type ReceivedMessage,
  type SubscribeMessages,
  type SubscribeTemplate,
} from './subscribe';
export { buildJoinLink, isValidScene, SCENE_MAX_LENGTH } from './wxacode';
export type { WechatPaySandbox, WechatPaySandboxOptions } from './pay';
export type { RefundHold } from './pay/refunds';
export {
  AEAD_ALGORITHM,
  buildNotification,
  decryptResource,
  encryptResource,
  formatWechatTime,
  signMessage,
  SIGNATURE_TYPE,
  verifyMessage,
  wechatpayMessage,
  wechatpaySignatureHeaders,
  type BuildNotificationInput,
  type EncryptedResource,
  type NotificationEventType,
  type WechatPayNotification,
  type WechatpaySignatureInput,
} from './pay/crypto';
export {
  MAX_CLOCK_SKEW_SECONDS,
  merchantAuthorization,
  merchantSignatureMessage,
  parseAuthorization,
  type MerchantAuthorizationInput,
  type ParsedAuthorization,
} from './pay/auth';
export {
  DEFAULT_MCHID,
  generatePayKeyMaterial,
  type PayKeyMaterial,
  type PayKeys,
  type PlatformMode,
} from './pay/keys';

export interface WechatSandboxOptions {
  /** The app the server is configured with; calls with another appid or secret are refused. */
  appid: string;
  secret: string;
  /** Where the H5 build of the mini-program is served; 小程序码 images link there. */
  publicUrl: string;
  /** Milliseconds since the epoch; tests pass a fake clock. */
  now?: () => number;
  /** WeChat Pay APIv3 (merchant id, where keys live, platform verification mode). */
  pay?: WechatPaySandboxOptions;
  /** The app's subscribe-message templates (小程序后台 → 我的模板); DEFAULT_SUBSCRIBE_TEMPLATES otherwise. */
  subscribeTemplates?: SubscribeTemplate[];
}

export interface WechatSandbox {
  /** Mount at /sandbox. It parses its own JSON bodies. */
  router: Router;
  /** What wx.login would give this user, for tests that run in the same process. */
  issueLoginCode(openid: string): string;
  /** What the getPhoneNumber button would give a user with this number. */
  issuePhoneCode(phone: string): string;
  /** WeChat Pay: the merchant credentials (generated on first access) and the platform mode. */
  pay: WechatPaySandbox;
  /** Subscribe messages: the users' consents and what was delivered. */
  messages: SubscribeMessages;
}

// wx.login codes and getPhoneNumber codes both live 5 minutes.
const CODE_TTL_MS = 5 * 60 * 1000;

export function createWechatSandbox(options: WechatSandboxOptions): WechatSandbox {
  const now = options.now ?? Date.now;
  const credentials = { appid: options.appid, secret: options.secret };
  const loginCodes = new SingleUseCodes<string>(CODE_TTL_MS, now);
  const phoneCodes = new SingleUseCodes<string>(CODE_TTL_MS, now);
  const tokens = new AccessTokens(now);

  const messages = new SubscribeMessages(options.subscribeTemplates ?? DEFAULT_SUBSCRIBE_TEMPLATES);

  const paySandbox = createPaySandbox(options.appid, options.pay ?? {}, now);

  const router = Router();
  // WeChat Pay APIv3 signs the raw body, so /v3 reads its own bodies before any JSON parsing.
  router.use(paySandbox.apiRouter);
  // WeChat reads the body as JSON whatever the content-type says, so the sandbox does too.
  router.use(express.json({ limit: '16kb', type: () => true }));
  router.use(loginRouter(credentials, loginCodes, sessionKeyDeriver()));
  router.use(phoneRouter(options.appid, phoneCodes, tokens, now));
  router.use(tokenRouter(credentials, tokens));
  router.use(wxacodeRouter(options.publicUrl, tokens));
  router.use(subscribeRouter(messages, tokens, now));
  router.use(paySandbox.testRouter);
  router.use(bodyErrorHandler);

  return {
    router,
    issueLoginCode: (openid) => loginCodes.issue(openid),
    issuePhoneCode: (phone) => phoneCodes.issue(phone),
    pay: paySandbox.pay,
    messages,
  };
}
