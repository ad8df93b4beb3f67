/**
 * What every operation answers, for the OpenAPI document (api-document.ts). Success bodies name
 * the packages/contracts types the clients compile against (`X[]` for a list, `page:X` for a
 * cursor page); their JSON Schemas are generated from those very types. `errors` lists the
 * statuses an operation adds to the ones every operation of its kind may give (see
 * `commonErrors`); each error answers the envelope.
 */
export interface OperationDoc {
  /** the success body; `null` for none */
  ok: string | null;
  /** success statuses; default 201 for POST, else 200 */
  status?: number[];
  /** other media types the success may take (a CSV export) */
  media?: 'text/csv' | 'image/*';
  errors?: number[];
  /** no token needed (a token may still be given) */
  public?: boolean;
}

export const OPERATIONS: Record<string, OperationDoc> = {
  // members: joining and the card
  'POST /auth/login': { ok: 'LoginResponse', status: [200], public: true, errors: [401, 404, 422, 503] },
  'POST /join': { ok: 'JoinResponse', status: [200, 201], public: true, errors: [401, 404, 409, 422, 503] },
  'GET /scenes/{scene}': { ok: 'SceneInfo', public: true },
  'GET /join-gifts': { ok: 'Offer[]', public: true, errors: [404] },
  'GET /offers/browse': { ok: 'Offer[]', public: true, errors: [404] },
  'GET /merchants/browse': { ok: 'Merchant[]', public: true, errors: [404] },
  'GET /privacy-policy': { ok: 'PrivacyPolicy', public: true, errors: [404] },
  'GET /me': { ok: 'MemberProfile' },
  'PATCH /me': { ok: 'Member', errors: [409] },
  'DELETE /me': { ok: 'AccountClosed', status: [200], errors: [409] },
  'POST /me/phone': { ok: 'Member', status: [200], errors: [409, 422, 503] },
  'GET /me/member-code': { ok: 'MemberCode' },
  'POST /me/consents': { ok: 'ConsentState', status: [200], errors: [409] },
  'GET /me/export': { ok: 'MemberExport' },
  'GET /tiers': { ok: 'Tier[]' },
  'GET /merchants': { ok: 'Merchant[]' },
  // coupons and forwarding
  'GET /offers': { ok: 'Offer[]' },
  'POST /offers/{templateId}/claim': { ok: 'WalletCoupon', errors: [409, 422] },
  'GET /me/coupons': { ok: 'WalletCoupon[]' },
  'GET /me/coupons/{id}': { ok: 'WalletCoupon' },
  'POST /me/coupons/{id}/share': { ok: 'ShareCreated', errors: [409, 422] },
  'DELETE /me/coupons/{id}/share': { ok: 'WalletCoupon', errors: [409] },
  'GET /me/shares': { ok: 'SentShare[]' },
  'GET /shares/{token}': { ok: 'SharePreview', public: true },
  'POST /shares/{token}/accept': {
    ok: 'AcceptShareResponse',
    status: [200],
    public: true,
    errors: [401, 409, 422],
  },
  // points and the mall
  'GET /me/points': { ok: 'PointsSummary' },
  'GET /me/points/history': { ok: 'PointsEntry[]' },
  'GET /mall/items': { ok: 'MallItem[]' },
  'GET /mall/items/{id}': { ok: 'MallItem' },
  'POST /mall/items/{id}/redeem': { ok: 'MallOrder', errors: [409, 422, 503] },
  'GET /me/mall-orders': { ok: 'MallOrder[]' },
  // 买单 and WeChat Pay
  'POST /orders/preview': { ok: 'OrderPreview', status: [200], errors: [404, 409, 422] },
  'POST /orders': { ok: 'CreatedOrder', errors: [404, 409, 422, 503] },
  'GET /orders': { ok: 'Order[]' },
  'GET /orders/{id}': { ok: 'OrderDetail' },
  'POST /orders/{id}/cancel': { ok: 'OrderDetail', status: [200], errors: [409, 503] },
  'POST /payments/wechat/notify': { ok: null, status: [204], public: true, errors: [401, 503] },
  // staff at the counter
  'POST /staff/login': { ok: 'StaffLoginResponse', status: [200], public: true, errors: [401] },
  'POST /staff/refresh': { ok: 'SessionTokens', status: [200], public: true, errors: [401] },
  'GET /staff/me': { ok: 'StaffMe' },
  'POST /staff/members/lookup': { ok: 'MemberLookupResponse', status: [200], errors: [404, 409, 422] },
  'POST /staff/redemptions': { ok: 'Redemption', errors: [404, 409, 422] },
  'GET /staff/redemptions': { ok: 'CounterRecordList' },
  'POST /staff/redemptions/{id}/void': { ok: 'CounterRecord', status: [200], errors: [409] },
  'GET /staff/orders': { ok: 'Order[]' },
  'POST /staff/orders/{id}/refund': { ok: 'RefundResult', status: [200], errors: [409, 422, 503] },
  'POST /staff/pickups': { ok: 'MallOrder', status: [200], errors: [404, 409] },
  // the alliance's and merchants' console
  'POST /admin/login': { ok: 'SessionTokens', status: [200], public: true, errors: [401] },
  'POST /admin/refresh': { ok: 'SessionTokens', status: [200], public: true, errors: [401] },
  'GET /admin/merchants': { ok: 'AdminMerchant[]' },
  'POST /admin/merchants': { ok: 'AdminMerchant', errors: [409] },
  'GET /admin/merchants/{id}': { ok: 'AdminMerchant' },
  'POST /admin/merchants/{id}/stores': { ok: 'StorePlace' },
  'PATCH /admin/merchants/{id}/stores/{storeId}': { ok: 'StorePlace' },
  'POST /admin/merchants/{id}/staff': { ok: 'StaffAccount', errors: [409] },
  'GET /admin/merchants/{id}/staff': { ok: 'StaffAccount[]' },
  'POST /admin/staff/{id}/disable': { ok: 'StaffAccount', status: [200] },
  'POST /admin/staff/{id}/enable': { ok: 'StaffAccount', status: [200] },
  'POST /admin/staff/{id}/password': { ok: 'StaffAccount', status: [200] },
  'GET /admin/staff-limits': { ok: 'StaffLimits', errors: [404] },
  'PUT /admin/staff-limits': { ok: 'StaffLimits' },
  'PUT /admin/staff-limits/merchants/{merchantId}': { ok: 'StaffLimits' },
  'DELETE /admin/staff-limits/merchants/{merchantId}': { ok: 'StaffLimits' },
  'POST /admin/coupon-templates': { ok: 'CouponTemplate', errors: [404, 409] },
  'GET /admin/coupon-templates': { ok: 'CouponTemplate[]' },
  'GET /admin/coupon-templates/{id}': { ok: 'CouponTemplate' },
  'PATCH /admin/coupon-templates/{id}': { ok: 'CouponTemplate', errors: [409] },
  'POST /admin/coupon-templates/{id}/pause': { ok: 'CouponTemplate', status: [200] },
  'POST /admin/coupon-templates/{id}/resume': { ok: 'CouponTemplate', status: [200] },
  'GET /admin/referral-rule': { ok: 'ReferralRule' },
  'PUT /admin/referral-rule': { ok: 'ReferralRule', errors: [404] },
  'PUT /admin/tiers': { ok: 'TierList', errors: [409] },
  'GET /admin/points-policy': { ok: 'PointsPolicy' },
  'PUT /admin/points-policy': { ok: 'PointsPolicy' },
  'POST /admin/qrcodes': { ok: 'QrCode', errors: [404] },
  'GET /admin/qrcodes': { ok: 'QrCodeRow[]' },
  'POST /admin/mall/items': { ok: 'AdminMallItem', errors: [404] },
  'GET /admin/mall/items': { ok: 'AdminMallItem[]' },
  'PUT /admin/mall/items/{id}/image': { ok: 'AdminMallItem', status: [200] },
  'POST /admin/mall/items/{id}/pause': { ok: 'AdminMallItem', status: [200] },
  'POST /admin/mall/items/{id}/resume': { ok: 'AdminMallItem', status: [200] },
  'POST /admin/uploads': { ok: 'UploadedImage' },
  'GET /uploads/{name}': { ok: null, media: 'image/*', public: true },
  'GET /admin/members': { ok: 'page:AdminMember' },
  'GET /admin/members.csv': { ok: null, media: 'text/csv' },
  'GET /admin/members/{id}': { ok: 'AdminMemberDetail' },
  'POST /admin/members/{id}/tier-grant': { ok: 'AdminMember', status: [200] },
  'POST /admin/members/{id}/points-adjustments': { ok: 'PointsBalance', errors: [409] },
  'POST /admin/members/{id}/phone-reveal': { ok: 'RevealedPhone', status: [200] },
  'GET /admin/audit-log': { ok: 'page:AuditLogEntry' },
  'GET /admin/privacy-policy': { ok: 'PrivacyPolicy', errors: [404] },
  'PUT /admin/privacy-policy': { ok: 'PrivacyPolicy', status: [200] },
  'GET /admin/reports/settlement': { ok: 'SettlementReport', media: 'text/csv' },
  'GET /admin/reports/staff-activity': { ok: 'StaffActivityReport', errors: [404] },
  'GET /admin/reports/overview': { ok: 'ReportsOverview', errors: [404] },
  'GET /admin/reports/overview.csv': { ok: null, media: 'text/csv', errors: [404] },
  'GET /admin/reports/acquisition': { ok: 'ReportsAcquisition' },
  'GET /admin/invariants': { ok: 'InvariantReport' },
  // operations
  'GET /health': { ok: 'Health', public: true },
  'GET /health/live': { ok: 'HealthCheck', public: true },
  'GET /health/ready': { ok: 'HealthCheck', public: true },
};
