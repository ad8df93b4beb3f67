import { Router } from 'express';
import {
  bodyObject,
  queryString,
  sendValidationFailed,
  sendWechatError,
  type FieldError,
  type WechatError,
} from './http';
import type { AccessTokens } from './token';

/** A template the app picked in the 小程序 admin (订阅消息 → 我的模板): its id and its keywords. */
export interface SubscribeTemplate {
  templateId: string;
  title: string;
  /** WeChat's keywords, each a type and a number: thing1, time2, number3 … */
  keywords: string[];
}

/** The sandbox app's templates unless the options name others (ids readable, keywords as WeChat's). */
export const DEFAULT_SUBSCRIBE_TEMPLATES: SubscribeTemplate[] = [
  { templateId: 'sandbox-coupon-expiring', title: '优惠券到期提醒', keywords: ['thing1', 'time2', 'thing3'] },
  { templateId: 'sandbox-points-expiring', title: '积分过期提醒', keywords: ['number1', 'time2', 'thing3'] },
  { templateId: 'sandbox-referral-reward', title: '奖励到账通知', keywords: ['thing1', 'time2', 'thing3'] },
  { templateId: 'sandbox-tier-upgraded', title: '会员升级通知', keywords: ['thing1', 'time2', 'thing3'] },
  { templateId: 'sandbox-campaign-offer', title: '优惠活动通知', keywords: ['thing1', 'thing2', 'thing3'] },
];

export interface ReceivedMessage {
  openid: string;
  templateId: string;
  page: string | null;
  data: Record<string, { value: string }>;
  sentAt: string;
}

const MAX_MESSAGES = 10_000;

/**
 * What WeChat knows about subscribe messages: the one-time consents each user gave in the
 * requestSubscribeMessage dialog (each accept allows one message of that template) and the messages
 * delivered. A send without a consent left is 43101, as on WeChat.
 */
export class SubscribeMessages {
  private readonly consents = new Map<string, number>();
  readonly received: ReceivedMessage[] = [];

  constructor(readonly templates: SubscribeTemplate[]) {}

  template(id: string): SubscribeTemplate | undefined {
    return this.templates.find((t) => t.templateId === id);
  }

  /** The user answered the dialog: each accept of a known template allows one more message. */
  answer(openid: string, results: Record<string, string>): void {
    for (const [templateId, result] of Object.entries(results)) {
      if (result !== 'accept' || !this.template(templateId)) continue;
      const key = `${openid}\n${templateId}`;
      this.consents.set(key, (this.consents.get(key) ?? 0) + 1);
    }
  }

  remaining(openid: string, templateId: string): number {
    return this.consents.get(`${openid}\n${templateId}`) ?? 0;
  }

  /** Takes one consent; false when there is none left. */
  consume(openid: string, templateId: string): boolean {
    const key = `${openid}\n${templateId}`;
    const left = this.consents.get(key) ?? 0;
    if (left <= 0) return false;
    this.consents.set(key, left - 1);
    return true;
  }

  deliver(message: ReceivedMessage): void {
    this.received.push(message);
    if (this.received.length > MAX_MESSAGES) this.received.shift();
  }
}

/** 47003 when data does not fill exactly the template's keywords with values WeChat accepts. */
export function dataError(template: SubscribeTemplate, data: unknown): WechatError | null {
  const bad = (why: string): WechatError => ({ errcode: 47003, errmsg: `argument invalid! ${why}` });
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return bad('data invalid');
  const entries = Object.entries(data as Record<string, unknown>);
  for (const [keyword, item] of entries) {
    if (!template.keywords.includes(keyword)) return bad(`data.${keyword} not in template`);
    const value = (item as { value?: unknown } | null)?.value;
    if (typeof value !== 'string' || !valueFits(keyword, value)) return bad(`data.${keyword}.value invalid`);
  }
  const missing = template.keywords.find((k) => !entries.some(([keyword]) => keyword === k));
  if (missing) return bad(`data.${missing} missing`);
  return null;
}

/** WeChat's published rules per keyword type (订阅消息参数值内容限制). */
function valueFits(keyword: string, value: string): boolean {
  const type = /^([a-z_]+?)\d+$/.exec(keyword)?.[1];
  const chars = [...value].length;
  switch (type) {
    case 'thing':
      return chars >= 1 && chars <= 20;
    case 'number':
      return /^\d+(\.\d+)?$/.test(value) && chars <= 32;
    case 'letter':
      return /^[A-Za-z]{1,32}$/.test(value);
    case 'symbol':
      return /^[^\w\s]{1,5}$/.test(value);
    case 'character_string':
      return /^[\x21-\x7e]{1,32}$/.test(value);
    case 'time':
      return /^\d{4}-\d{2}-\d{2}( \d{2}:\d{2}(:\d{2})?)?$|^\d{4}年\d{1,2}月\d{1,2}日( \d{1,2}:\d{2})?$/.test(
        value,
      );
    case 'date':
      return /^\d{4}-\d{2}-\d{2}$|^\d{4}年\d{1,2}月\d{1,2}日$/.test(value);
    case 'amount':
      return /^¥?\d+(\.\d{1,2})?元?$/.test(value);
    case 'phone_number':
      return /^[\d+-]{1,17}$/.test(value);
    case 'car_number':
      return chars >= 1 && chars <= 8;
    case 'name':
      return chars >= 1 && chars <= 10;
    case 'phrase':
      return /^[\u4e00-\u9fff]{1,5}$/.test(value);
    default:
      return false;
  }
}

const OPENID_PATTERN = /^[A-Za-z0-9_-]{1,128}$/;

/**
 * The server side (POST /cgi-bin/message/subscribe/send) and the test-facing side: what the user
 * answered in the dialog (POST /wechat/subscriptions) and the inbox (GET /wechat/messages).
 */
export function subscribeRouter(store: SubscribeMessages, tokens: AccessTokens, now: () => number): Router {
  const router = Router();

  router.post('/cgi-bin/message/subscribe/send', (req, res) => {
    const tokenError = tokens.check(queryString(req, 'access_token'));
    if (tokenError) return sendWechatError(res, tokenError);
    const body = bodyObject(req);
    const { touser, template_id: templateId, page, data } = body;
    if (typeof touser !== 'string' || !OPENID_PATTERN.test(touser))
      return sendWechatError(res, { errcode: 40003, errmsg: 'invalid openid' });
    const template = typeof templateId === 'string' ? store.template(templateId) : undefined;
    if (!template) return sendWechatError(res, { errcode: 40037, errmsg: 'invalid template_id' });
    if (page !== undefined && (typeof page !== 'string' || page.length > 1024))
      return sendWechatError(res, { errcode: 41030, errmsg: 'invalid page' });
    const invalid = dataError(template, data);
    if (invalid) return sendWechatError(res, invalid);
    if (!store.consume(touser, template.templateId))
      return sendWechatError(res, { errcode: 43101, errmsg: 'user refuse to accept the msg' });
    store.deliver({
      openid: touser,
      templateId: template.templateId,
      page: (page as string | undefined) ?? null,
      data: data as ReceivedMessage['data'],
      sentAt: new Date(now()).toISOString(),
    });
    res.json({ errcode: 0, errmsg: 'ok' });
  });

  /** What the user tapped in WeChat's requestSubscribeMessage dialog, as WeChat records it. */
  router.post('/wechat/subscriptions', (req, res) => {
    const body = bodyObject(req);
    const details: FieldError[] = Object.keys(body)
      .filter((k) => k !== 'openid' && k !== 'results')
      .map((field) => ({ field, message: 'unknown field' }));
    if (typeof body.openid !== 'string' || !OPENID_PATTERN.test(body.openid))
      details.push({ field: 'openid', message: 'must be an openid' });
    const results = body.results;
    if (typeof results !== 'object' || results === null || Array.isArray(results))
      details.push({ field: 'results', message: 'must be an object' });
    else
      for (const [id, answer] of Object.entries(results))
        if (answer !== 'accept' && answer !== 'reject')
          details.push({ field: `results.${id}`, message: 'must be accept or reject' });
    if (details.length) return sendValidationFailed(res, details);
    const openid = body.openid as string;
    store.answer(openid, results as Record<string, string>);
    res.json({
      items: Object.keys(results as object).map((templateId) => ({
        templateId,
        remaining: store.remaining(openid, templateId),
      })),
    });
  });

  router.get('/wechat/subscribe-templates', (_req, res) => {
    res.json({ items: store.templates });
  });

  router.get('/wechat/messages', (req, res) => {
    const openid = queryString(req, 'openid');
    res.json({ items: store.received.filter((m) => openid === undefined || m.openid === openid) });
  });

  return router;
}
