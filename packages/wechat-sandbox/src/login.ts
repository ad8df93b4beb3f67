import { createHmac, randomBytes } from 'node:crypto';
import { Router } from 'express';
import {
  appCredentialError,
  queryString,
  sendValidationFailed,
  sendWechatError,
  validateSingleField,
  type AppCredentials,
} from './http';
import type { SingleUseCodes } from './store';

const OPENID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * session_key per openid: 16 bytes, base64, like WeChat's. Derived from a per-instance secret so it
 * is stable for a user while the sandbox runs without storing one per user.
 */
export function sessionKeyDeriver(): (openid: string) => string {
  const seed = randomBytes(32);
  return (openid) => createHmac('sha256', seed).update(openid).digest().subarray(0, 16).toString('base64');
}

/** The user side of wx.login (POST /wechat/login-code) and the server side (GET /sns/jscode2session). */
export function loginRouter(
  credentials: AppCredentials,
  loginCodes: SingleUseCodes<string>,
  sessionKeyFor: (openid: string) => string,
): Router {
  const router = Router();

  router.post('/wechat/login-code', (req, res) => {
    const input = validateSingleField(
      req,
      'openid',
      OPENID_PATTERN,
      'must be 1-64 characters of A-Z a-z 0-9 _ -',
    );
    if ('details' in input) {
      sendValidationFailed(res, input.details);
      return;
    }
    res.json({ code: loginCodes.issue(input.value) });
  });

  router.get('/sns/jscode2session', (req, res) => {
    const error = appCredentialError(credentials, queryString(req, 'appid'), queryString(req, 'secret'));
    if (error) {
      sendWechatError(res, error);
      return;
    }
    // WeChat documents grant_type=authorization_code; any other value is refused.
    const grantType = queryString(req, 'grant_type');
    if (grantType !== undefined && grantType !== 'authorization_code') {
      sendWechatError(res, { errcode: 40002, errmsg: 'invalid grant_type' });
      return;
    }
    const jsCode = queryString(req, 'js_code');
    if (jsCode === undefined) {
      sendWechatError(res, { errcode: 41008, errmsg: 'missing code' });
      return;
    }
    const taken = loginCodes.take(jsCode);
    if (taken.status === 'used') {
      sendWechatError(res, { errcode: 40163, errmsg: 'code been used' });
      return;
    }
    if (taken.status === 'unknown') {
      sendWechatError(res, { errcode: 40029, errmsg: 'invalid code' });
      return;
    }
    // The sandbox has no open platform account, so there is no unionid, as for most real apps.
    res.json({ session_key: sessionKeyFor(taken.value), openid: taken.value });
  });

  return router;
}
