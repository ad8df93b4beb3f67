import { Alliance } from '../alliances/alliance.entity';
import { SettlementSettingsRow, StaffLimitsRow, StaffRefusalRow } from '../alliances/staff-limits.entity';
import { IdempotencyKey } from '../common/idempotency';
import { CounterDailyTotal } from '../counter/counter-daily-total.entity';
import { Redemption } from '../counter/redemption.entity';
import { JobLease } from '../jobs/job-leases';
import { OutboxMessage } from '../outbox/outbox.entity';
import { MallItem, MallMemberCount, MallOrder } from '../mall/mall.entities';
import { Order, PaymentEvent, Refund } from '../orders/order.entities';
import {
  PointsLot,
  PointsLotUse,
  PointsPolicyRow,
  PointsPosting,
  PointsTransaction,
  SpendEntry,
} from '../points/points.entities';
import { CouponTemplate, CouponTemplateMerchant } from '../coupons/coupon-template.entity';
import { CouponRow, CouponShare } from '../coupons/coupon.entity';
import { ReferralReward, ReferralRule } from '../coupons/referral.service';
import { Tier } from '../alliances/tier.entity';
import { Member } from '../members/member.entity';
import { Merchant } from '../merchants/merchant.entity';
import { Store } from '../merchants/store.entity';
import { QrCode } from '../qrcodes/qrcode.entity';
import { SettlementEntry } from '../settlement/settlement-entry.entity';
import { StaffAccount } from '../staff/staff-account.entity';
import { LoginFailure } from '../staff/login-attempts';
import { StaffRefreshToken } from '../staff/refresh-tokens';

export const entities = [
  Alliance,
  Tier,
  Merchant,
  Store,
  StaffAccount,
  LoginFailure,
  StaffRefreshToken,
  QrCode,
  Member,
  CouponTemplate,
  CouponTemplateMerchant,
  CouponRow,
  CouponShare,
  ReferralRule,
  ReferralReward,
  Redemption,
  IdempotencyKey,
  PointsPolicyRow,
  PointsTransaction,
  PointsPosting,
  PointsLot,
  PointsLotUse,
  SpendEntry,
  MallItem,
  MallMemberCount,
  MallOrder,
  Order,
  Refund,
  PaymentEvent,
  JobLease,
  StaffLimitsRow,
  SettlementSettingsRow,
  StaffRefusalRow,
  CounterDailyTotal,
  SettlementEntry,
  OutboxMessage,
];
