/** Every endpoint the console uses, typed. Paths and bodies follow apps/server/src/**\/*.controller.ts. */
import {
  ApiError,
  type BenefitSettings,
  type BenefitSettingsRequest,
  type CreateQrCodeRequest,
  type Merchant,
  type MessageTemplatesAnswer,
  type MessageTemplatesRequest,
  type PrivacyPolicy,
  type PublishPolicyRequest,
  type QrCode,
  type StaffRole,
  type StoreInput,
  type StorePlace,
} from '@allycard/contracts';
import { call, client } from './client';
import type {
  AdminMerchant,
  PointsPromotion,
  PointsPromotionRequest,
  SpendGetKeptCase,
  SpendGetRule,
  SpendGetRuleRequest,
  CouponTemplate,
  CreateCouponTemplateBody,
  CreateMallItemBody,
  InvariantReport,
  AdminMallItem,
  PointsPolicy,
  QrCodeRow,
  ReferralRule,
  SettlementReport,
  StaffActivityReport,
  StaffLimits,
  StaffLimitsBody,
  StaffLimitValues,
  StaffAccount,
  TierRule,
  UploadedImage,
} from '@allycard/contracts';

const id = (value: string) => encodeURIComponent(value);

export const api = {
  /** null until the alliance published a first version */
  privacyPolicy: () =>
    call<PrivacyPolicy>('GET', '/admin/privacy-policy').catch((error: unknown) => {
      if (error instanceof ApiError && error.status === 404) return null;
      throw error;
    }),
  publishPrivacyPolicy: (body: PublishPolicyRequest) =>
    call<PrivacyPolicy>('PUT', '/admin/privacy-policy', body),
  adminLogin: client.adminLogin,
  staffLogin: client.staffLogin,

  merchants: () => call<Merchant[]>('GET', '/merchants'),
  adminMerchants: () => call<AdminMerchant[]>('GET', '/admin/merchants'),
  createMerchant: (body: { name: string; description?: string; stores?: string[] }) =>
    call<AdminMerchant>('POST', '/admin/merchants', body),
  addStore: (merchantId: string, body: StoreInput) =>
    call<StorePlace>('POST', `/admin/merchants/${id(merchantId)}/stores`, body),
  updateStore: (merchantId: string, storeId: string, body: Partial<StoreInput>) =>
    call<StorePlace>('PATCH', `/admin/merchants/${id(merchantId)}/stores/${id(storeId)}`, body),
  staff: (merchantId: string) => call<StaffAccount[]>('GET', `/admin/merchants/${id(merchantId)}/staff`),
  createStaff: (merchantId: string, body: { username: string; password: string; role: StaffRole }) =>
    call<StaffAccount>('POST', `/admin/merchants/${id(merchantId)}/staff`, body),
  disableStaff: (staffId: string) => call<StaffAccount>('POST', `/admin/staff/${id(staffId)}/disable`),
  enableStaff: (staffId: string) => call<StaffAccount>('POST', `/admin/staff/${id(staffId)}/enable`),
  resetStaffPassword: (staffId: string, password: string) =>
    call<StaffAccount>('POST', `/admin/staff/${id(staffId)}/password`, { password }),

  qrcodes: (merchantId?: string) =>
    call<QrCodeRow[]>('GET', `/admin/qrcodes${merchantId ? `?merchantId=${id(merchantId)}` : ''}`),
  createQrCode: (body: CreateQrCodeRequest) => call<QrCode>('POST', '/admin/qrcodes', body),

  templates: () => call<CouponTemplate[]>('GET', '/admin/coupon-templates'),
  createTemplate: (body: CreateCouponTemplateBody) =>
    call<CouponTemplate>('POST', '/admin/coupon-templates', body),
  updateTemplate: (
    templateId: string,
    body: { title?: string; description?: string; stock?: number; status?: 'active' | 'paused' },
  ) => call<CouponTemplate>('PATCH', `/admin/coupon-templates/${id(templateId)}`, body),
  pauseTemplate: (templateId: string) =>
    call<CouponTemplate>('POST', `/admin/coupon-templates/${id(templateId)}/pause`),
  resumeTemplate: (templateId: string) =>
    call<CouponTemplate>('POST', `/admin/coupon-templates/${id(templateId)}/resume`),

  benefits: () => call<BenefitSettings>('GET', '/admin/benefits'),
  setBenefits: (body: BenefitSettingsRequest) => call<BenefitSettings>('PUT', '/admin/benefits', body),
  promotions: () => call<PointsPromotion[]>('GET', '/admin/benefits/promotions'),
  createPromotion: (body: PointsPromotionRequest) =>
    call<PointsPromotion>('POST', '/admin/benefits/promotions', body),
  removePromotion: (promotionId: string) =>
    call<PointsPromotion>('DELETE', `/admin/benefits/promotions/${id(promotionId)}`),
  spendGetRules: () => call<SpendGetRule[]>('GET', '/admin/benefits/spend-get'),
  createSpendGetRule: (body: SpendGetRuleRequest) =>
    call<SpendGetRule>('POST', '/admin/benefits/spend-get', body),
  removeSpendGetRule: (ruleId: string) =>
    call<SpendGetRule>('DELETE', `/admin/benefits/spend-get/${id(ruleId)}`),
  spendGetKept: () => call<SpendGetKeptCase[]>('GET', '/admin/benefits/spend-get/kept'),
  messageTemplates: () => call<MessageTemplatesAnswer>('GET', '/admin/message-templates'),
  setMessageTemplates: (body: MessageTemplatesRequest) =>
    call<MessageTemplatesAnswer>('PUT', '/admin/message-templates', body),

  referralRule: () => call<ReferralRule>('GET', '/admin/referral-rule'),
  setReferralRule: (body: ReferralRule) => call<ReferralRule>('PUT', '/admin/referral-rule', body),

  pointsPolicy: () => call<PointsPolicy>('GET', '/admin/points-policy'),
  setPointsPolicy: (body: PointsPolicy) => call<PointsPolicy>('PUT', '/admin/points-policy', body),
  tiers: () => call<TierRule[]>('GET', '/tiers'),
  setTiers: (tiers: TierRule[]) => call<{ tiers: TierRule[] }>('PUT', '/admin/tiers', { tiers }),

  mallItems: () => call<AdminMallItem[]>('GET', '/admin/mall/items'),
  createMallItem: (body: CreateMallItemBody) => call<AdminMallItem>('POST', '/admin/mall/items', body),
  pauseMallItem: (itemId: string) => call<AdminMallItem>('POST', `/admin/mall/items/${id(itemId)}/pause`),
  resumeMallItem: (itemId: string) => call<AdminMallItem>('POST', `/admin/mall/items/${id(itemId)}/resume`),
  setMerchantLogo: (merchantId: string, logoUrl: string | null) =>
    call<AdminMerchant>('PUT', `/admin/merchants/${id(merchantId)}/logo`, { logoUrl }),
  setMallItemImage: (itemId: string, imageUrl: string | null) =>
    call<AdminMallItem>('PUT', `/admin/mall/items/${id(itemId)}/image`, { imageUrl }),
  /** a shelf photo (PNG, JPEG or WebP up to 2 MB); the url it is served from */
  uploadImage: (file: File) => {
    const form = new FormData();
    form.append('file', file);
    return client.upload<UploadedImage>('/admin/uploads', form);
  },

  settlement: (from: string, to: string) =>
    call<SettlementReport>('GET', `/admin/reports/settlement?from=${id(from)}&to=${id(to)}`),
  /** The same report as CSV text (UTF-8 with BOM, for Excel). */
  settlementCsv: (from: string, to: string) =>
    call<string>('GET', `/admin/reports/settlement?from=${id(from)}&to=${id(to)}&format=csv`),
  invariants: () => call<InvariantReport>('GET', '/admin/invariants'),

  staffLimits: () => call<StaffLimits>('GET', '/admin/staff-limits'),
  setStaffLimits: (body: StaffLimitsBody) => call<StaffLimits>('PUT', '/admin/staff-limits', body),
  setMerchantStaffLimits: (merchantId: string, body: StaffLimitValues) =>
    call<StaffLimits>('PUT', `/admin/staff-limits/merchants/${id(merchantId)}`, body),
  clearMerchantStaffLimits: (merchantId: string) =>
    call<StaffLimits>('DELETE', `/admin/staff-limits/merchants/${id(merchantId)}`),
  staffActivity: (from: string, to: string, merchantId?: string) =>
    call<StaffActivityReport>(
      'GET',
      `/admin/reports/staff-activity?from=${id(from)}&to=${id(to)}${merchantId ? `&merchantId=${id(merchantId)}` : ''}`,
    ),
};
