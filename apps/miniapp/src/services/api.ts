import Taro from '@tarojs/taro';
import { createClient, type CouponStatus, type Merchant, type Transport } from '@allycard/contracts';
import { API_BASE_URL } from '../platform/config';
import { staffToken, staffTransport } from './staff-auth';
import { taroTransport } from './transport';
import type {
  AcceptShareResponse,
  AccountClosed,
  ConsentState,
  CounterRecord,
  CounterRecordList,
  MemberExport,
  PrivacyPolicy,
  CreatedOrder,
  MallItem,
  MallOrder,
  Offer,
  Order,
  OrderDetail,
  OrderPreview,
  OrderRequest,
  PointsEntry,
  PointsSummary,
  Redemption,
  RedemptionRequest,
  RefundResult,
  SentShare,
  ShareCreated,
  SharePreview,
  StaffLookup,
  StaffMe,
  Tier,
  WalletCoupon,
} from '@allycard/contracts';

/** A bearer token kept in Taro storage (wx storage on weapp, localStorage on h5). */
export interface TokenStore {
  get(): string | null;
  set(token: string): void;
  clear(): void;
}

function storedToken(key: string): TokenStore {
  return {
    get() {
      const value: unknown = Taro.getStorageSync(key);
      return typeof value === 'string' && value ? value : null;
    },
    set(token) {
      Taro.setStorageSync(key, token);
    },
    clear() {
      Taro.removeStorageSync(key);
    },
  };
}

/**
 * Shoppers and clerks are different identities; a clerk's phone may also hold a member card. The
 * clerk's short-lived token is renewed with its refresh token (./staff-auth).
 */
export const memberToken = storedToken('allycard.memberToken');
export { staffToken };

const idem = (key: string) => ({ 'idempotency-key': key });
const seg = encodeURIComponent;

/**
 * The contracts client plus the endpoints it does not cover yet (types in ./types). Methods that
 * create coupon, points or money effects take the caller's `Idempotency-Key` (./idempotency).
 */
export function createAllycardClient(getToken: () => string | null, transport: Transport = taroTransport) {
  const base = createClient({ baseUrl: API_BASE_URL, transport, getToken });
  const { call } = base;
  return {
    ...base,
    merchants: () => call<Merchant[]>('GET', '/merchants'),
    /** the 联盟商户 page: the merchants with what the card gives at each */
    merchantDirectory: () => call<Merchant[]>('GET', '/merchants?with=benefits'),
    // coupons
    offers: () => call<Offer[]>('GET', '/offers'),
    /** 领券中心 before joining: what a newcomer of the scene's alliance could claim (no token needed) */
    browseMerchants: (scene?: string) =>
      call<Merchant[]>('GET', scene ? `/merchants/browse?scene=${seg(scene)}` : '/merchants/browse'),
    browseOffers: (scene?: string) =>
      call<Offer[]>('GET', scene ? `/offers/browse?scene=${seg(scene)}` : '/offers/browse'),
    /** what joining gives, named on the join page before anyone joins (no token needed) */
    joinGifts: (scene?: string) =>
      call<Offer[]>('GET', scene ? `/join-gifts?scene=${seg(scene)}` : '/join-gifts'),
    claimOffer: (templateId: string, key: string) =>
      call<WalletCoupon>('POST', `/offers/${seg(templateId)}/claim`, undefined, idem(key)),
    coupons: (status?: CouponStatus) =>
      call<WalletCoupon[]>('GET', status ? `/me/coupons?status=${status}` : '/me/coupons'),
    coupon: (id: string) => call<WalletCoupon>('GET', `/me/coupons/${seg(id)}`),
    shareCoupon: (id: string) => call<ShareCreated>('POST', `/me/coupons/${seg(id)}/share`),
    cancelShare: (id: string) => call<WalletCoupon>('DELETE', `/me/coupons/${seg(id)}/share`),
    sentShares: () => call<SentShare[]>('GET', '/me/shares'),
    // a friend's forwarded coupon (no token needed)
    sharePreview: (token: string) => call<SharePreview>('GET', `/shares/${seg(token)}`),
    acceptShare: (token: string, code: string, policyVersion?: number) =>
      call<AcceptShareResponse>('POST', `/shares/${seg(token)}/accept`, {
        code,
        ...(policyVersion && { policyVersion }),
      }),
    // points and the points mall
    points: () => call<PointsSummary>('GET', '/me/points'),
    pointsHistory: (before?: string) =>
      call<PointsEntry[]>('GET', before ? `/me/points/history?before=${seg(before)}` : '/me/points/history'),
    mallItems: () => call<MallItem[]>('GET', '/mall/items'),
    redeemMallItem: (itemId: string, quantity: number, key: string) =>
      call<MallOrder>('POST', `/mall/items/${seg(itemId)}/redeem`, { quantity }, idem(key)),
    mallOrders: () => call<MallOrder[]>('GET', '/me/mall-orders'),
    tiers: () => call<Tier[]>('GET', '/tiers'),
    // paying a merchant (买单)
    previewOrder: (body: OrderRequest) => call<OrderPreview>('POST', '/orders/preview', body),
    createOrder: (body: OrderRequest, key: string) => call<CreatedOrder>('POST', '/orders', body, idem(key)),
    order: (id: string) => call<OrderDetail>('GET', `/orders/${seg(id)}`),
    orders: () => call<Order[]>('GET', '/orders'),
    // privacy: the alliance's 用户协议 / 隐私政策, consent, export, closing the account
    /** the policy of the alliance a scanned scene or a friend's share link belongs to */
    privacyPolicy: (visit: { scene?: string; share?: string } = {}) =>
      call<PrivacyPolicy>(
        'GET',
        visit.share
          ? `/privacy-policy?share=${seg(visit.share)}`
          : visit.scene
            ? `/privacy-policy?scene=${seg(visit.scene)}`
            : '/privacy-policy',
      ),
    acceptPolicy: (version: number) => call<ConsentState>('POST', '/me/consents', { version }),
    exportMyData: () => call<MemberExport>('GET', '/me/export'),
    closeAccount: (confirm: string) => call<AccountClosed>('DELETE', '/me', { confirm }),
    // staff at the counter
    lookupMember: (memberCode: string) => call<StaffLookup>('POST', '/staff/members/lookup', { memberCode }),
    redeemAtCounter: (body: RedemptionRequest, key: string) =>
      call<Redemption>('POST', '/staff/redemptions', body, idem(key)),
    fulfilPickup: (pickupCode: string) => call<MallOrder>('POST', '/staff/pickups', { pickupCode }),
    merchantOrders: () => call<Order[]>('GET', '/staff/orders'),
    /** who is signed in at the counter, and the merchant (store) */
    staffMe: () => call<StaffMe>('GET', '/staff/me'),
    todayRecords: () => call<CounterRecordList>('GET', '/staff/redemptions?day=today'),
    voidRecord: (id: string, reason: string) =>
      call<CounterRecord>('POST', `/staff/redemptions/${seg(id)}/void`, { reason }),
    /** the whole remaining amount when `amountFen` is left out */
    refundOrder: (id: string, amountFen: number | undefined, key: string) =>
      call<RefundResult>(
        'POST',
        `/staff/orders/${seg(id)}/refund`,
        amountFen === undefined ? {} : { amountFen },
        idem(key),
      ),
  };
}

export const memberApi = createAllycardClient(memberToken.get);
export const staffApi = createAllycardClient(staffToken.get, staffTransport);
