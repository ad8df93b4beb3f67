import { Router } from 'express';
import { bodyObject, queryString, sendValidationFailed, sendWechatError, validateSingleField } from './http';
import type { SingleUseCodes } from './store';
import type { AccessTokens } from './token';

const PHONE_PATTERN = /^\d{5,20}$/;

/**
 * The user side of the getPhoneNumber button (POST /wechat/phone-code) and the server side that
 * exchanges its code (POST /wxa/business/getuserphonenumber).
 */
export function phoneRouter(
  appid: string,
  phoneCodes: SingleUseCodes<string>,
  tokens: AccessTokens,
  now: () => number,
): Router {
  const router = Router();

  router.post('/wechat/phone-code', (req, res) => {
    const input = validateSingleField(req, 'phone', PHONE_PATTERN, 'must be 5-20 digits');
    if ('details' in input) {
      sendValidationFailed(res, input.details);
      return;
    }
    res.json({ code: phoneCodes.issue(input.value) });
  });

  router.post('/wxa/business/getuserphonenumber', (req, res) => {
    const tokenError = tokens.check(queryString(req, 'access_token'));
    if (tokenError) {
      sendWechatError(res, tokenError);
      return;
    }
    const { code } = bodyObject(req);
    if (typeof code !== 'string' || code === '') {
      sendWechatError(res, { errcode: 41008, errmsg: 'missing code' });
      return;
    }
    // A used phone code is as invalid as an unknown one: WeChat answers 40029 for both.
    const taken = phoneCodes.take(code);
    if (taken.status !== 'ok') {
      sendWechatError(res, { errcode: 40029, errmsg: 'invalid code' });
      return;
    }
    const phone = taken.value;
    res.json({
      errcode: 0,
      errmsg: 'ok',
      phone_info: {
        // Mainland numbers carry no country prefix in phoneNumber; the sandbox only issues those.
        phoneNumber: phone,
        purePhoneNumber: phone,
        countryCode: '86',
        watermark: { timestamp: Math.floor(now() / 1000), appid },
      },
    });
  });

  return router;
}
