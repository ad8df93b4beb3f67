import express, { Router } from 'express';
import { bodyErrorHandler } from './http';
import { loginRouter, sessionKeyDeriver } from './login';
import { phoneRouter } from './phone';
import { SingleUseCodes } from './store';
import { AccessTokens, tokenRouter } from './token';
import { wxacodeRouter } from './wxacode';

export { buildJoinLink, isValidScene, SCENE_MAX_LENGTH } from './wxacode';

export interface WechatSandboxOptions {
  /** The app the server is configured with; calls with another appid or secret are refused. */
  appid: string;
  secret: string;
  /** Where the H5 build of the mini-program is served; 小程序码 images link there. */
  publicUrl: string;
  /** Milliseconds since the epoch; tests pass a fake clock. */
  now?: () => number;
}

export interface WechatSandbox {
  /** Mount at /sandbox. It parses its own JSON bodies. */
  router: Router;
  /** What wx.login would give this user, for tests that run in the same process. */
  issueLoginCode(openid: string): string;
  /** What the getPhoneNumber button would give a user with this number. */
  issuePhoneCode(phone: string): string;
}

// wx.login codes and getPhoneNumber codes both live 5 minutes.
const CODE_TTL_MS = 5 * 60 * 1000;

export function createWechatSandbox(options: WechatSandboxOptions): WechatSandbox {
  const now = options.now ?? Date.now;
  const credentials = { appid: options.appid, secret: options.secret };
  const loginCodes = new SingleUseCodes<string>(CODE_TTL_MS, now);
  const phoneCodes = new SingleUseCodes<string>(CODE_TTL_MS, now);
  const tokens = new AccessTokens(now);

  const router = Router();
  // WeChat reads the body as JSON whatever the content-type says, so the sandbox does too.
  router.use(express.json({ limit: '16kb', type: () => true }));
  router.use(loginRouter(credentials, loginCodes, sessionKeyDeriver()));
  router.use(phoneRouter(options.appid, phoneCodes, tokens, now));
  router.use(tokenRouter(credentials, tokens));
  router.use(wxacodeRouter(options.publicUrl, tokens));
  router.use(bodyErrorHandler);

  return {
    router,
    issueLoginCode: (openid) => loginCodes.issue(openid),
    issuePhoneCode: (phone) => phoneCodes.issue(phone),
  };
}
