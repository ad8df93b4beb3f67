import { randomBytes } from 'node:crypto';
import { Router } from 'express';
import {
  appCredentialError,
  bodyObject,
  queryString,
  sendWechatError,
  type AppCredentials,
  type WechatError,
} from './http';

const TOKEN_TTL_MS = 7200 * 1000;
// WeChat keeps the previous /cgi-bin/token token working for 5 minutes after a new one is issued.
const PREVIOUS_TOKEN_GRACE_MS = 5 * 60 * 1000;
// Dead tokens are remembered for a while so an expired one answers 42001 rather than 40001.
const DEAD_TOKEN_MEMORY_MS = 60 * 60 * 1000;
const SWEEP_INTERVAL_MS = 60 * 1000;

interface TokenRecord {
  expiresAt: number;
  /** When the token stopped being valid because a newer one replaced it. */
  retiredAt?: number;
}

export interface IssuedToken {
  accessToken: string;
  expiresIn: number;
}

/** Access tokens of the one sandbox app: the plain kind (/cgi-bin/token) and the stable kind. */
export class AccessTokens {
  private readonly records = new Map<string, TokenRecord>();
  private latestPlain: string | undefined;
  private currentStable: string | undefined;
  private nextSweepAt = 0;

  constructor(private readonly now: () => number) {}

  /** Every call mints a new token and retires the previous one after the grace period. */
  issuePlain(): IssuedToken {
    const previous = this.latestPlain === undefined ? undefined : this.records.get(this.latestPlain);
    if (previous) previous.retiredAt = this.now() + PREVIOUS_TOKEN_GRACE_MS;
    this.latestPlain = this.mint();
    return { accessToken: this.latestPlain, expiresIn: TOKEN_TTL_MS / 1000 };
  }

  /** The stable token stays the same until it expires, unless force_refresh replaces it at once. */
  issueStable(forceRefresh: boolean): IssuedToken {
    const token = this.currentStable;
    const current = token === undefined ? undefined : this.records.get(token);
    if (token !== undefined && current && this.isLive(current)) {
      if (!forceRefresh) {
        return {
          accessToken: token,
          expiresIn: Math.ceil((current.expiresAt - this.now()) / 1000),
        };
      }
      current.retiredAt = this.now();
    }
    this.currentStable = this.mint();
    return { accessToken: this.currentStable, expiresIn: TOKEN_TTL_MS / 1000 };
  }

  /** WeChat's answer for a call made with this token, or null when the token is good. */
  check(token: string | undefined): WechatError | null {
    if (token === undefined) return { errcode: 41001, errmsg: 'access_token missing' };
    const record = this.records.get(token);
    if (!record || (record.retiredAt !== undefined && this.now() >= record.retiredAt)) {
      return { errcode: 40001, errmsg: 'invalid credential, access_token is invalid or not latest' };
    }
    if (this.now() >= record.expiresAt) return { errcode: 42001, errmsg: 'access_token expired' };
    return null;
  }

  get size(): number {
    return this.records.size;
  }

  private isLive(record: TokenRecord): boolean {
    const now = this.now();
    return now < record.expiresAt && (record.retiredAt === undefined || now < record.retiredAt);
  }

  private mint(): string {
    this.sweepIfDue();
    const token = randomBytes(48).toString('base64url');
    this.records.set(token, { expiresAt: this.now() + TOKEN_TTL_MS });
    return token;
  }

  private sweepIfDue(): void {
    const now = this.now();
    if (now < this.nextSweepAt) return;
    this.nextSweepAt = now + SWEEP_INTERVAL_MS;
    for (const [token, record] of this.records) {
      const deadAt = Math.min(record.expiresAt, record.retiredAt ?? Infinity);
      if (now >= deadAt + DEAD_TOKEN_MEMORY_MS) this.records.delete(token);
    }
  }
}

function tokenResponse(issued: IssuedToken) {
  return { access_token: issued.accessToken, expires_in: issued.expiresIn };
}

/** GET /cgi-bin/token and POST /cgi-bin/stable_token. */
export function tokenRouter(credentials: AppCredentials, tokens: AccessTokens): Router {
  const router = Router();

  router.get('/cgi-bin/token', (req, res) => {
    if (queryString(req, 'grant_type') !== 'client_credential') {
      sendWechatError(res, { errcode: 40002, errmsg: 'invalid grant_type' });
      return;
    }
    const error = appCredentialError(credentials, queryString(req, 'appid'), queryString(req, 'secret'));
    if (error) {
      sendWechatError(res, error);
      return;
    }
    res.json(tokenResponse(tokens.issuePlain()));
  });

  router.post('/cgi-bin/stable_token', (req, res) => {
    const body = bodyObject(req);
    if (body.grant_type !== 'client_credential') {
      sendWechatError(res, { errcode: 40002, errmsg: 'invalid grant_type' });
      return;
    }
    if (body.force_refresh !== undefined && typeof body.force_refresh !== 'boolean') {
      sendWechatError(res, { errcode: 40097, errmsg: 'invalid args' });
      return;
    }
    const appid = typeof body.appid === 'string' && body.appid !== '' ? body.appid : undefined;
    const secret = typeof body.secret === 'string' && body.secret !== '' ? body.secret : undefined;
    const error = appCredentialError(credentials, appid, secret);
    if (error) {
      sendWechatError(res, error);
      return;
    }
    res.json(tokenResponse(tokens.issueStable(body.force_refresh === true)));
  });

  return router;
}
