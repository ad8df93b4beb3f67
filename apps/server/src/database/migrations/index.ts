import { Initial1732406400000 } from './1732406400000-initial';
import { Coupons1732492800000 } from './1732492800000-coupons';
import { Points1732579200000 } from './1732579200000-points';
import { Orders1732665600000 } from './1732665600000-orders';
import { MallCash1732752000000 } from './1732752000000-mall-cash';
import { JobLeases1732838400000 } from './1732838400000-job-leases';
import { StaffAccounts1733011200000 } from './1733011200000-staff-accounts';
import { StaffLimitsSettlement1733097600000 } from './1733097600000-staff-limits-settlement';
import { Outbox1733184000000 } from './1733184000000-outbox';
import { BigintCounters1733270400000 } from './1733270400000-bigint-counters';
import { Idempotency1733356800000 } from './1733356800000-idempotency';
import { Utf8mb41733443200000 } from './1733443200000-utf8mb4';
import { MemberDatabase1733530000000 } from './1733530000000-member-database';
import { Privacy1733702400000 } from './1733702400000-privacy';
import { CouponChannel1733788800000 } from './1733788800000-coupon-channel';
import { CounterVoids1733875200000 } from './1733875200000-counter-voids';
import { StorePlaces1733875200000 } from './1733875200000-store-places';
import { MallPhotos1733890000000 } from './1733890000000-mall-photos';
import { MerchantLogos1733895000000 } from './1733895000000-merchant-logos';
import { Reports1734000000000 } from './1734000000000-reports';
import { Benefits1734100000000 } from './1734100000000-benefits';
import { Campaigns1734200000000 } from './1734200000000-campaigns';
import { Messages1734300000000 } from './1734300000000-messages';
import { Promotions1734500000000 } from './1734500000000-promotions';
import { Rfm1734600000000 } from './1734600000000-rfm';
import { DailyStats1734700000000 } from './1734700000000-daily-stats';
import { CounterMemberDay1734800000000 } from './1734800000000-counter-member-day';
import { MemberFigures1734850000000 } from './1734850000000-member-figures';

/** In order; TypeORM runs the pending ones at start. */
export const migrations = [
  Initial1732406400000,
  Coupons1732492800000,
  Points1732579200000,
  Orders1732665600000,
  MallCash1732752000000,
  JobLeases1732838400000,
  StaffAccounts1733011200000,
  StaffLimitsSettlement1733097600000,
  Outbox1733184000000,
  BigintCounters1733270400000,
  Idempotency1733356800000,
  Utf8mb41733443200000,
  MemberDatabase1733530000000,
  Privacy1733702400000,
  CouponChannel1733788800000,
  CounterVoids1733875200000,
  StorePlaces1733875200000,
  MallPhotos1733890000000,
  MerchantLogos1733895000000,
  Reports1734000000000,
  Benefits1734100000000,
  Campaigns1734200000000,
  Messages1734300000000,
  Promotions1734500000000,
  Rfm1734600000000,
  DailyStats1734700000000,
  CounterMemberDay1734800000000,
  MemberFigures1734850000000,
];
