import { Column, Entity } from 'typeorm';
import { IdColumn, idTransformer } from '../database/columns';

/** One alliance's benefits: birthday gift, member day, task points (PUT /admin/benefits). */
@Entity('benefit_settings')
export class BenefitSettingsRow {
  @Column({ type: 'bigint', primary: true, transformer: idTransformer })
  allianceId: string;

  @Column()
  birthdayEnabled: boolean;

  @Column({ type: 'bigint', nullable: true, transformer: idTransformer })
  birthdayCouponTemplateId: string | null;

  @Column({ type: 'int' })
  birthdayPoints: number;

  /** ISO weekday 1–7, or null (a monthly member day, or none) */
  @Column({ type: 'int', nullable: true })
  memberDayWeekday: number | null;

  /** 1–28, or null */
  @Column({ type: 'int', nullable: true })
  memberDayMonthDay: number | null;

  /** null: no member day */
  @Column({ type: 'int', nullable: true })
  memberDayMultiplierPermille: number | null;

  @Column({ type: 'varchar', nullable: true })
  memberDayMinTierCode: string | null;

  /** the member day's extra discount: per mille off the member price (100 = 10% off), or null */
  @Column({ type: 'int', nullable: true })
  memberDayDiscountPermille: number | null;

  /** or fen off, or null */
  @Column({ type: 'int', nullable: true })
  memberDayDiscountFen: number | null;

  /** only at these merchants (multiplier and discount); null: the whole alliance */
  @Column({ type: 'simple-json', nullable: true })
  memberDayMerchantIds: string[] | null;

  @Column({ type: 'int' })
  profileTaskPoints: number;

  @Column({ type: 'int' })
  phoneTaskPoints: number;

  @Column({ type: 'datetime' })
  updatedAt: Date;
}

/** A birthday gift given: unique per (member, year), whoever gives it first (the job or PATCH /me). */
@Entity('birthday_gifts')
export class BirthdayGift {
  @IdColumn()
  id: string;

  @Column({ type: 'bigint', transformer: idTransformer })
  allianceId: string;

  @Column({ type: 'bigint', transformer: idTransformer })
  memberId: string;

  @Column({ type: 'int' })
  year: number;

  /** null when no coupon was part of the gift (or its template had run out) */
  @Column({ type: 'bigint', nullable: true, transformer: idTransformer })
  couponId: string | null;

  @Column({ type: 'int' })
  points: number;

  @Column({ type: 'datetime' })
  createdAt: Date;
}

export type TaskCode = 'profile' | 'phone';

/** A task's points given: unique per (member, task). */
@Entity('task_completions')
export class TaskCompletion {
  @IdColumn()
  id: string;

  @Column({ type: 'bigint', transformer: idTransformer })
  allianceId: string;

  @Column({ type: 'bigint', transformer: idTransformer })
  memberId: string;

  @Column({ type: 'varchar' })
  task: TaskCode;

  @Column({ type: 'int' })
  points: number;

  @Column({ type: 'datetime' })
  createdAt: Date;
}

/** A points promotion (积分活动): N× points in [startsAt, endsAt), at merchants or alliance-wide. */
@Entity('points_promotions')
export class PointsPromotionRow {
  @IdColumn()
  id: string;

  @Column({ type: 'bigint', transformer: idTransformer })
  allianceId: string;

  @Column({ type: 'varchar' })
  name: string;

  @Column({ type: 'int' })
  multiplierPermille: number;

  @Column({ type: 'datetime' })
  startsAt: Date;

  @Column({ type: 'datetime' })
  endsAt: Date;

  /** null: the whole alliance */
  @Column({ type: 'simple-json', nullable: true })
  merchantIds: string[] | null;

  /** the merchant funding the extra points, or null */
  @Column({ type: 'bigint', nullable: true, transformer: idTransformer })
  sponsorMerchantId: string | null;

  @Column({ type: 'datetime' })
  createdAt: Date;

  @Column({ type: 'datetime' })
  updatedAt: Date;
}

/** 满额返券: a paid purchase of at least minPaidFen (at the merchant, or anywhere) issues a coupon. */
@Entity('spend_get_rules')
export class SpendGetRule {
  @IdColumn()
  id: string;

  @Column({ type: 'bigint', transformer: idTransformer })
  allianceId: string;

  /** null: at every merchant of the alliance */
  @Column({ type: 'bigint', nullable: true, transformer: idTransformer })
  merchantId: string | null;

  @Column({ type: 'int' })
  minPaidFen: number;

  @Column({ type: 'bigint', transformer: idTransformer })
  templateId: string;

  @Column({ type: 'datetime' })
  createdAt: Date;
}

/**
 * What a purchase got from spend-and-get: unique per purchase (source type, id), so two payment
 * notifications of one order (or two runs for one counter record) issue one coupon. 'kept_used':
 * fully refunded (a counter record: voided) after the coupon was used (the coupon stays; the console
 * lists these).
 */
export type SpendGetGrantStatus = 'issued' | 'not_issued' | 'withdrawn' | 'kept_used';
export type SpendGetSource = 'order' | 'redemption';

@Entity('spend_get_grants')
export class SpendGetGrant {
  @IdColumn()
  id: string;

  @Column({ type: 'bigint', transformer: idTransformer })
  allianceId: string;

  @Column({ type: 'bigint', transformer: idTransformer })
  ruleId: string;

  /** 'order': a paid order; 'redemption': a counter purchase recorded by staff */
  @Column({ type: 'varchar' })
  sourceType: SpendGetSource;

  @Column({ type: 'bigint', transformer: idTransformer })
  sourceId: string;

  @Column({ type: 'bigint', transformer: idTransformer })
  memberId: string;

  @Column({ type: 'bigint', nullable: true, transformer: idTransformer })
  couponId: string | null;

  @Column({ type: 'varchar' })
  status: SpendGetGrantStatus;

  @Column({ type: 'datetime' })
  createdAt: Date;

  @Column({ type: 'datetime' })
  updatedAt: Date;
}
