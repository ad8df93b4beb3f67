import { Router } from 'express';
import QRCode from 'qrcode';
import { bodyObject, queryString, sendWechatError } from './http';
import type { AccessTokens } from './token';

export const SCENE_MAX_LENGTH = 32;
// WeChat's documented scene alphabet, at most 32 characters.
const SCENE_PATTERN = /^[0-9A-Za-z!#$&'()*+,/:;=?@\-._~]{1,32}$/;
// A page is a path of the mini-program without a leading slash and without a query.
const PAGE_PATTERN = /^[A-Za-z0-9_-]+(\/[A-Za-z0-9_-]+)*$/;
const ENV_VERSIONS = ['release', 'trial', 'develop'];
const DEFAULT_PAGE = 'pages/join/index';
const DEFAULT_WIDTH = 430;
const MIN_WIDTH = 280;
const MAX_WIDTH = 1280;
// pngjs's default adaptive row filter is many times slower for a two-colour image whose rows repeat,
// and its output larger, than the plain 'up' filter with default deflate.
const PNG_ENCODING = { filterType: 2, deflateStrategy: 0 };

export function isValidScene(scene: unknown): scene is string {
  return typeof scene === 'string' && SCENE_PATTERN.test(scene);
}

/**
 * What the sandbox's 小程序码 points at: the H5 build of the mini-program, opened on the page with
 * the scene in its query, as WeChat would open the real mini-program.
 */
export function buildJoinLink(publicUrl: string, scene: string, page?: string): string {
  const base = publicUrl.replace(/\/+$/, '');
  return `${base}/#/${page || DEFAULT_PAGE}?scene=${encodeURIComponent(scene)}`;
}

/** The image: a plain QR code of the link, which any phone camera opens. */
export function renderWxacode(link: string, width: number = DEFAULT_WIDTH): Promise<Buffer> {
  // A fresh rendererOpts each time: qrcode writes the image size into it.
  return QRCode.toBuffer(link, { type: 'png', width, margin: 2, rendererOpts: { ...PNG_ENCODING } });
}

function widthOf(value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) return DEFAULT_WIDTH;
  // WeChat clamps the width rather than refusing it.
  return Math.min(MAX_WIDTH, Math.max(MIN_WIDTH, Math.round(value)));
}

/** POST /wxa/getwxacodeunlimit: a real QR code PNG instead of WeChat's round 小程序码. */
export function wxacodeRouter(publicUrl: string, tokens: AccessTokens): Router {
  const router = Router();

  router.post('/wxa/getwxacodeunlimit', async (req, res) => {
    const tokenError = tokens.check(queryString(req, 'access_token'));
    if (tokenError) {
      sendWechatError(res, tokenError);
      return;
    }
    const body = bodyObject(req);
    if (!isValidScene(body.scene)) {
      sendWechatError(res, { errcode: 40169, errmsg: 'invalid scene' });
      return;
    }
    // Like WeChat, no page means the home page. The real check_path also requires the page to exist
    // in the released version; the sandbox cannot know the pages, so it only checks their form.
    const page = body.page ?? '';
    if (typeof page !== 'string' || (page !== '' && !PAGE_PATTERN.test(page))) {
      sendWechatError(res, { errcode: 41030, errmsg: 'invalid page' });
      return;
    }
    const envVersion = body.env_version ?? 'release';
    if (typeof envVersion !== 'string' || !ENV_VERSIONS.includes(envVersion)) {
      sendWechatError(res, { errcode: 40097, errmsg: 'invalid args' });
      return;
    }
    const link = buildJoinLink(publicUrl, body.scene, page);
    const png = await renderWxacode(link, widthOf(body.width));
    res.type('image/png').send(png);
  });

  return router;
}
