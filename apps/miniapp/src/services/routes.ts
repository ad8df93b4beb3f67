/** Page URLs, in one place for navigateTo / switchTab / redirectTo. */
export const ROUTES = {
  card: '/pages/card/index',
  me: '/pages/me/index',
  join: '/pages/join/index',
  /** a friend's forwarded coupon; the server builds the same path (`pages/share/index?token=…`) */
  share: '/pages/share/index',
  offers: '/coupon/offers/index',
  myCoupons: '/coupon/mine/index',
  couponDetail: '/coupon/detail/index',
  points: '/points/balance/index',
  mall: '/points/mall/index',
  mallItem: '/points/item/index',
  mallOrders: '/points/orders/index',
  /** 买单 (sub-package pages/pay): pay a merchant, its result, and the member's orders */
  pay: '/pages/pay/index',
  payResult: '/pages/pay/result',
  orders: '/pages/pay/orders',
  /** 用户协议 or 隐私政策 (`?doc=terms|privacy`), and 我的 → 账号与隐私 (sub-package privacy) */
  policy: '/privacy/policy/index',
  /** 联盟商户: every merchant and store of the alliance, what the card gives there (sub-package alliance) */
  merchants: '/alliance/merchants/index',
  account: '/privacy/account/index',
  /** 会员权益 (sub-package benefits), opened from the card */
  benefits: '/benefits/index/index',
  /** 我的 → 消息设置 (sub-package messages) */
  messageSettings: '/messages/settings/index',
  staffLogin: '/staff/login/index',
  staffVerify: '/staff/verify/index',
  staffPickup: '/staff/pickup/index',
  staffOrders: '/staff/orders/index',
  staffRecords: '/staff/records/index',
} as const;

/** A page URL with its query, e.g. `withQuery(ROUTES.couponDetail, { id: '12' })`. */
export function withQuery(url: string, query: Record<string, string | number | undefined>): string {
  const parts = Object.entries(query)
    .filter(([, v]) => v !== undefined && v !== '')
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`);
  return parts.length ? `${url}?${parts.join('&')}` : url;
}

/** The current page's query parameter `name`, decoded. */
export function pageParam(
  params: Record<string, string | undefined> | undefined,
  name: string,
): string | null {
  const raw = params?.[name];
  if (!raw) return null;
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}
