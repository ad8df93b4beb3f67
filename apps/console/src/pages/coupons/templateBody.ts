import type { CouponKind, UsableAt } from '@allycard/contracts';
import type { Dayjs } from 'dayjs';
import type { Session } from '../../api/session';
import type { Audience, CreateCouponTemplateBody } from '@allycard/contracts';
import { businessDateTimeToRfc3339 } from '@allycard/domain';
import { yuanToFen, zheToPermille } from '../../lib/money';

/** Money fields hold what the operator typed, in yuan (antd InputNumber stringMode); 折 as typed. */
export interface TemplateFormValues {
  title: string;
  description?: string;
  kind: CouponKind;
  valueYuan?: string;
  thresholdYuan?: string;
  discountZhe?: string;
  maxDiscountYuan?: string;
  stock: number;
  perMemberLimit: number;
  validity: 'days' | 'range';
  validDays?: number;
  validRange?: [Dayjs, Dayjs];
  issuerType: 'alliance' | 'merchant';
  issuerMerchantId?: string;
  usableAt: UsableAt;
  merchantIds?: string[];
  audience: Audience;
  minTierCode?: string;
  flags: ('firstOrderOnly' | 'forwardable' | 'joinGift' | 'issueOnly')[];
}

/** Where the server's field errors land on this form. */
export const FIELD_OF: Record<string, string> = {
  valueFen: 'valueYuan',
  thresholdFen: 'thresholdYuan',
  discountPermille: 'discountZhe',
  maxDiscountFen: 'maxDiscountYuan',
  validFrom: 'validRange',
  validUntil: 'validRange',
  'issuer.type': 'issuerType',
  'issuer.merchantId': 'issuerMerchantId',
  firstOrderOnly: 'flags',
  forwardable: 'flags',
  joinGift: 'flags',
  channel: 'flags',
};

/** The request body from the form; money typed in yuan becomes integer fen here. */
export function toBody(v: TemplateFormValues, session: Session): CreateCouponTemplateBody {
  const fen = (yuan?: string) => yuanToFen(yuan) ?? undefined;
  const flags = new Set(v.flags ?? []);
  const merchantOnly = session.role === 'merchant_admin';
  const body: CreateCouponTemplateBody = {
    title: v.title.trim(),
    ...(v.description?.trim() ? { description: v.description.trim() } : {}),
    kind: v.kind,
    thresholdFen: v.kind === 'no_threshold' ? 0 : (fen(v.thresholdYuan) ?? 0),
    stock: v.stock,
    perMemberLimit: v.perMemberLimit,
    usableAt: merchantOnly ? 'merchant' : v.usableAt,
    audience: v.audience,
    firstOrderOnly: flags.has('firstOrderOnly'),
    forwardable: flags.has('forwardable'),
    joinGift: flags.has('joinGift'),
    channel: flags.has('issueOnly') ? 'issue_only' : 'centre',
    issuer: merchantOnly
      ? { type: 'merchant', merchantId: session.merchantId ?? undefined }
      : v.issuerType === 'merchant'
        ? { type: 'merchant', merchantId: v.issuerMerchantId }
        : { type: 'alliance' },
  };
  if (v.kind === 'discount') {
    body.discountPermille = zheToPermille(v.discountZhe) ?? undefined;
    const cap = fen(v.maxDiscountYuan);
    if (cap) body.maxDiscountFen = cap;
  } else {
    const value = fen(v.valueYuan);
    if (value) body.valueFen = value;
  }
  if (v.validity === 'days') body.validDays = v.validDays;
  else if (v.validRange) {
    body.validFrom = businessDateTimeToRfc3339(v.validRange[0].format('YYYY-MM-DD'), '00:00:00');
    body.validUntil = businessDateTimeToRfc3339(v.validRange[1].format('YYYY-MM-DD'), '23:59:59');
  }
  if (merchantOnly) body.merchantIds = session.merchantId ? [session.merchantId] : [];
  else if (v.usableAt === 'merchant') body.merchantIds = v.merchantIds ?? [];
  if (v.minTierCode) body.minTierCode = v.minTierCode;
  return body;
}
