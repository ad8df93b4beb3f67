/** WeChat subscribe messages (订阅消息, issue 12): the member's consents and the alliance's templates. */

export type MessageKind =
  'coupon_expiring' | 'points_expiring' | 'referral_reward' | 'tier_upgraded' | 'campaign_offer';

/** What wx.requestSubscribeMessage answered for one template (ban / filter are sent as reject). */
export type SubscribeAnswer = 'accept' | 'reject';

/** POST /me/subscriptions */
export interface SubscriptionsRequest {
  results: Record<string, SubscribeAnswer>;
}

/** POST /me/subscriptions answers one per template answered: the messages it still allows. */
export interface SubscriptionQuota {
  templateId: string;
  remaining: number;
}

/** GET /me/subscriptions: each kind the alliance sends, its WeChat template and the consents left. */
export interface MySubscription extends SubscriptionQuota {
  kind: MessageKind;
}

/** One kind's setting in 消息模板 (GET / PUT /admin/message-templates). */
export interface MessageTemplateSetting {
  kind: MessageKind;
  templateId: string;
  /** the mini-program page the message opens; the kind's default when left out */
  page?: string;
  /** {keyword: field}: which of the kind's fields fills each of the template's keywords */
  fields: Record<string, string>;
}

export interface MessageTemplatesRequest {
  templates: MessageTemplateSetting[];
}

export interface MessageTemplatesAnswer {
  items: Required<MessageTemplateSetting>[];
}

/** GET /sandbox/wechat/messages?openid= (sandbox only): what WeChat delivered. */
export interface SandboxMessage {
  openid: string;
  templateId: string;
  page: string | null;
  data: Record<string, { value: string }>;
  sentAt: string;
}

/** The member's subscribe messages in GET /me/export. */
export interface MessagesExport {
  subscriptions: SubscriptionQuota[];
  messages: {
    templateId: string;
    page: string;
    data: Record<string, { value: string }>;
    /** queued → sent or refused (WeChat's errcode), or skipped (no consent left) */
    status: string;
    errcode: number | null;
    createdAt: string;
    sentAt: string | null;
  }[];
}
