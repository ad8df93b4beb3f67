import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../common/config';
import { DomainError } from '../common/errors';

export interface WechatSession {
  openid: string;
  unionid?: string;
}

interface WechatErrorBody {
  errcode?: number;
  errmsg?: string;
}

const TIMEOUT_MS = 5000;

/**
 * The only code that knows WeChat's server API. In sandbox mode the base URL points at this
 * process's /sandbox, so the same requests travel over real HTTP either way.
 */
@Injectable()
export class WechatClient {
  private readonly logger = new Logger(WechatClient.name);
  private accessToken: { value: string; expiresAt: number } | null = null;
  private accessTokenRequest: Promise<string> | null = null;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  /** wx.login code → openid (auth.code2Session). */
  async code2Session(code: string): Promise<WechatSession> {
    const { appid, secret } = this.config.wechat;
    const query = new URLSearchParams({ appid, secret, js_code: code, grant_type: 'authorization_code' });
    const body = await this.requestJson<{ openid?: string; unionid?: string } & WechatErrorBody>(
      `/sns/jscode2session?${query}`,
    );
    if (body.errcode || !body.openid) {
      // 40029 invalid code, 40163 code already used, 45011 too frequent: all mean "log in again".
      // 401 is UNAUTHENTICATED in the contract; the reason travels in details.
      throw new DomainError('UNAUTHENTICATED', 401, '微信登录凭证无效或已过期，请重试', {
        reason: 'WECHAT_CODE_INVALID',
        errcode: body.errcode,
      });
    }
    return { openid: body.openid, unionid: body.unionid };
  }

  /** getPhoneNumber button code → the pure phone number. */
  async phoneNumber(code: string): Promise<string> {
    const body = await this.withAccessToken((token) =>
      this.requestJson<{ phone_info?: { purePhoneNumber: string } } & WechatErrorBody>(
        `/wxa/business/getuserphonenumber?access_token=${encodeURIComponent(token)}`,
        { code },
      ),
    );
    if (body.errcode || !body.phone_info) {
      throw new DomainError('WECHAT_CODE_INVALID', 422, '获取手机号失败，请重新授权', {
        errcode: body.errcode,
      });
    }
    return body.phone_info.purePhoneNumber;
  }

  /** 小程序码 for a scene (wxacode.getUnlimited) as PNG bytes. */
  async wxacodeUnlimited(scene: string, page: string): Promise<Buffer> {
    const res = await this.withAccessToken((token) =>
      this.request(`/wxa/getwxacodeunlimit?access_token=${encodeURIComponent(token)}`, {
        scene,
        page,
        check_path: false,
        env_version: this.config.production ? 'release' : 'develop',
        width: 430,
      }),
    );
    const buffer = Buffer.from(await res.arrayBuffer());
    if ((res.headers.get('content-type') ?? '').includes('image/')) return buffer;
    const body = JSON.parse(buffer.toString('utf8')) as WechatErrorBody;
    if (body.errcode === 40001 || body.errcode === 42001) throw new AccessTokenRejected();
    this.logger.warn(`getwxacodeunlimit failed: ${body.errcode} ${body.errmsg}`);
    throw new DomainError('WECHAT_UNAVAILABLE', 503, '生成小程序码失败，请稍后再试', {
      errcode: body.errcode,
    });
  }

  /**
   * Sends a subscribe message (subscribeMessage.send). Answers WeChat's errcode (0 sent; 43101 the
   * user has no consent left, 40037 unknown template, 47003 bad data, 40003 bad openid …); throws
   * WECHAT_UNAVAILABLE when the outcome is unknown (no answer), so the outbox retries.
   */
  async sendSubscribeMessage(message: {
    openid: string;
    templateId: string;
    page: string;
    data: Record<string, { value: string }>;
  }): Promise<{ errcode: number; errmsg: string }> {
    const body = await this.withAccessToken((token) =>
      this.requestJson<WechatErrorBody>(
        `/cgi-bin/message/subscribe/send?access_token=${encodeURIComponent(token)}`,
        {
          touser: message.openid,
          template_id: message.templateId,
          page: message.page,
          data: message.data,
          miniprogram_state: this.config.production ? 'formal' : 'developer',
          lang: 'zh_CN',
        },
      ),
    );
    return { errcode: body.errcode ?? 0, errmsg: body.errmsg ?? 'ok' };
  }

  /**
   * Sandbox only: tells the sandbox what the member answered in requestSubscribeMessage. On WeChat
   * the dialog itself records the consent; the H5 build has no WeChat client, so the server's copy of
   * the answer is what the sandbox learns. Live mode does nothing.
   */
  async reportSubscribeAnswers(openid: string, results: Record<string, 'accept' | 'reject'>): Promise<void> {
    if (this.config.wechat.mode !== 'sandbox' || this.config.production) return;
    const res = await this.request('/wechat/subscriptions', { openid, results });
    if (!res.ok) this.logger.warn(`sandbox subscriptions answered ${res.status}`);
  }

  /** Runs a call with a cached access token; a rejected token is refreshed once. */
  private async withAccessToken<T extends WechatErrorBody | Response>(
    call: (token: string) => Promise<T>,
  ): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      const token = await this.getAccessToken();
      try {
        const result = await call(token);
        const errcode = (result as WechatErrorBody).errcode;
        if (errcode !== 40001 && errcode !== 42001) return result;
      } catch (error) {
        if (!(error instanceof AccessTokenRejected)) throw error;
      }
      this.accessToken = null;
      if (attempt >= 1) throw new DomainError('WECHAT_UNAVAILABLE', 503, '微信服务暂不可用，请稍后再试');
    }
  }

  private getAccessToken(): Promise<string> {
    if (this.accessToken && this.accessToken.expiresAt > Date.now())
      return Promise.resolve(this.accessToken.value);
    // One refresh at a time: WeChat invalidates the previous token when a new one is fetched.
    this.accessTokenRequest ??= (async () => {
      try {
        const { appid, secret } = this.config.wechat;
        const body = await this.requestJson<{ access_token?: string; expires_in?: number } & WechatErrorBody>(
          `/cgi-bin/stable_token`,
          { grant_type: 'client_credential', appid, secret },
        );
        if (!body.access_token)
          throw new DomainError('WECHAT_UNAVAILABLE', 503, '微信服务暂不可用，请稍后再试');
        // Refresh five minutes early.
        this.accessToken = {
          value: body.access_token,
          expiresAt: Date.now() + ((body.expires_in ?? 7200) - 300) * 1000,
        };
        return body.access_token;
      } finally {
        this.accessTokenRequest = null;
      }
    })();
    return this.accessTokenRequest;
  }

  private async requestJson<T>(path: string, body?: unknown): Promise<T> {
    const res = await this.request(path, body);
    try {
      return (await res.json()) as T;
    } catch {
      throw new DomainError('WECHAT_UNAVAILABLE', 503, '微信服务暂不可用，请稍后再试');
    }
  }

  private async request(path: string, body?: unknown): Promise<Response> {
    try {
      return await fetch(this.config.wechat.apiBase + path, {
        method: body === undefined ? 'GET' : 'POST',
        headers: body === undefined ? undefined : { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
    } catch (error) {
      this.logger.warn(`WeChat request ${path.split('?')[0]} failed: ${(error as Error).message}`);
      throw new DomainError('WECHAT_UNAVAILABLE', 503, '微信服务暂不可用，请稍后再试');
    }
  }
}

class AccessTokenRejected extends Error {}
