import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type {
  StaffLimits,
  StaffLimitsBody,
  StaffLimitValues,
  StaffRefusal,
  TierDiscountBearer,
} from '@allycard/contracts';
import { formatFen } from '@allycard/domain';
import { And, EntityManager, In, LessThan, MoreThanOrEqual, Repository } from 'typeorm';
import { Principal } from '../common/auth';
import { DomainError } from '../common/errors';
import { TransactionRunner } from '../common/transactions';
import { MerchantsService } from '../merchants/merchants.service';
import { SettlementSettingsRow, StaffLimitsRow, StaffRefusalRow } from './staff-limits.entity';

/** Defaults a café never reaches honestly (contract.md, "Staff limits"). */
export const DEFAULT_STAFF_LIMITS: StaffLimitValues = {
  counterPurchaseMaxFen: 500_000,
  counterDailyPerMemberMaxFen: 2_000_000,
  clerkRefundMaxFen: 50_000,
  clerkRefundMaxAgeDays: 7,
};
export const DEFAULT_TIER_DISCOUNT_BEARER: TierDiscountBearer = 'merchant';
/** The merchant id of the alliance-wide row. */
const ALLIANCE_WIDE = '0';
const DAY_MS = 86_400_000;

export interface Refusal {
  action: StaffRefusal['action'];
  limit: keyof StaffLimitValues;
  /** what was asked: fen, or the order's age in days */
  value: number;
  limitValue: number;
  memberId?: string;
  orderId?: string;
}

const MESSAGES: Record<keyof StaffLimitValues, (limit: number) => string> = {
  counterPurchaseMaxFen: (limit) => `单笔消费超过店员限额 ${formatFen(limit)}，请商户管理员操作`,
  counterDailyPerMemberMaxFen: (limit) => `该会员今日在本店消费将超过 ${formatFen(limit)}，请商户管理员操作`,
  clerkRefundMaxFen: (limit) => `退款超过店员限额 ${formatFen(limit)}，请商户管理员操作`,
  clerkRefundMaxAgeDays: (limit) => `订单支付已超过 ${limit} 天，退款请商户管理员操作`,
};

/** A clerk went beyond a staff limit: a merchant_admin must do it (403, nothing changed). */
export class ApprovalRequired extends DomainError {
  constructor(readonly refusal: Refusal) {
    super('APPROVAL_REQUIRED', 403, MESSAGES[refusal.limit](refusal.limitValue), {
      limit: refusal.limit,
      limitValue: refusal.limitValue,
      value: refusal.value,
    });
  }
}

const pickLimits = (row: StaffLimitValues): StaffLimitValues => ({
  counterPurchaseMaxFen: row.counterPurchaseMaxFen,
  counterDailyPerMemberMaxFen: row.counterDailyPerMemberMaxFen,
  clerkRefundMaxFen: row.clerkRefundMaxFen,
  clerkRefundMaxAgeDays: row.clerkRefundMaxAgeDays,
});

/**
 * The alliance's staff limits (alliance-wide, optionally overridden per merchant) and settlement
 * settings, and the one place that decides whether a clerk may act alone. Refusals are recorded for the
 * anomaly view.
 */
@Injectable()
export class StaffLimitsService {
  constructor(
    @InjectRepository(StaffLimitsRow) private readonly limits: Repository<StaffLimitsRow>,
    @InjectRepository(SettlementSettingsRow) private readonly settlement: Repository<SettlementSettingsRow>,
    private readonly merchants: MerchantsService,
    private readonly tx: TransactionRunner,
  ) {}

  /** The limits in force at a merchant: its own row, else the alliance's, else the defaults. */
  async limitsAt(allianceId: string, merchantId: string, em?: EntityManager): Promise<StaffLimitValues> {
    const rows = await (em ? em.getRepository(StaffLimitsRow) : this.limits).findBy({
      allianceId,
      merchantId: In([ALLIANCE_WIDE, merchantId]),
    });
    const row =
      rows.find((r) => r.merchantId === merchantId) ?? rows.find((r) => r.merchantId === ALLIANCE_WIDE);
    return row ? pickLimits(row) : { ...DEFAULT_STAFF_LIMITS };
  }

  /** Who bears the member-tier discounts given at a merchant (read inside the paying transaction). */
  async tierDiscountBearer(allianceId: string, em?: EntityManager): Promise<TierDiscountBearer> {
    const row = await (em ? em.getRepository(SettlementSettingsRow) : this.settlement).findOneBy({
      allianceId,
    });
    return row?.tierDiscountBorneBy ?? DEFAULT_TIER_DISCOUNT_BEARER;
  }

  /** GET /admin/staff-limits: a merchant admin sees its merchant's; an alliance admin any of them. */
  async view(who: Principal, merchantId?: string): Promise<StaffLimits> {
    const at = who.role === 'merchant_admin' ? who.merchantId! : merchantId;
    const tierDiscountBorneBy = await this.tierDiscountBearer(who.allianceId);
    if (at) {
      await this.merchants.get(who.allianceId, at);
      const own = await this.limits.findOneBy({ allianceId: who.allianceId, merchantId: at });
      return {
        ...(await this.limitsAt(who.allianceId, at)),
        tierDiscountBorneBy,
        merchantId: at,
        overridden: !!own,
      };
    }
    const rows = await this.limits.find({
      where: { allianceId: who.allianceId },
      order: { merchantId: 'ASC' },
    });
    const wide = rows.find((r) => r.merchantId === ALLIANCE_WIDE);
    return {
      ...(wide ? pickLimits(wide) : DEFAULT_STAFF_LIMITS),
      tierDiscountBorneBy,
      merchantId: null,
      overridden: false,
      overrides: rows
        .filter((r) => r.merchantId !== ALLIANCE_WIDE)
        .map((r) => ({ merchantId: r.merchantId, ...pickLimits(r) })),
    };
  }

  /** PUT /admin/staff-limits: the alliance-wide limits and settlement settings. */
  async setAlliance(who: Principal, input: StaffLimitsBody): Promise<StaffLimits> {
    const now = new Date();
    await this.tx.run(async (em) => {
      await em.upsert(
        StaffLimitsRow,
        { allianceId: who.allianceId, merchantId: ALLIANCE_WIDE, ...pickLimits(input), updatedAt: now },
        ['allianceId', 'merchantId'],
      );
      await em.upsert(
        SettlementSettingsRow,
        { allianceId: who.allianceId, tierDiscountBorneBy: input.tierDiscountBorneBy, updatedAt: now },
        ['allianceId'],
      );
    });
    return this.view(who);
  }

  /** PUT /admin/staff-limits/merchants/:id: limits of this merchant's own, instead of the alliance's. */
  async setMerchant(who: Principal, merchantId: string, input: StaffLimitValues): Promise<StaffLimits> {
    await this.merchants.get(who.allianceId, merchantId);
    await this.tx.run((em) =>
      em.upsert(
        StaffLimitsRow,
        { allianceId: who.allianceId, merchantId, ...pickLimits(input), updatedAt: new Date() },
        ['allianceId', 'merchantId'],
      ),
    );
    return this.view(who, merchantId);
  }

  /** DELETE /admin/staff-limits/merchants/:id: the merchant follows the alliance's limits again. */
  async clearMerchant(who: Principal, merchantId: string): Promise<StaffLimits> {
    await this.merchants.get(who.allianceId, merchantId);
    await this.tx.run((em) => em.delete(StaffLimitsRow, { allianceId: who.allianceId, merchantId }));
    return this.view(who, merchantId);
  }

  /** A clerk's single counter purchase (the daily total is guarded inside the redemption's transaction). */
  async checkCounterPurchase(
    staff: Principal,
    amountFen: number,
    memberId: string,
  ): Promise<StaffLimitValues> {
    const limits = await this.limitsAt(staff.allianceId, staff.merchantId!);
    if (staff.role === 'clerk' && amountFen > limits.counterPurchaseMaxFen) {
      throw await this.refuse(
        staff,
        new ApprovalRequired({
          action: 'counter_purchase',
          limit: 'counterPurchaseMaxFen',
          value: amountFen,
          limitValue: limits.counterPurchaseMaxFen,
          memberId,
        }),
      );
    }
    return limits;
  }

  /** A clerk's refund: at most clerkRefundMaxFen, of an order paid within clerkRefundMaxAgeDays. */
  async checkRefund(
    staff: Principal,
    order: { id: string; memberId: string; paidAt: Date | null },
    amountFen: number,
    now = new Date(),
  ): Promise<void> {
    if (staff.role !== 'clerk') return;
    const limits = await this.limitsAt(staff.allianceId, staff.merchantId!);
    const base = { action: 'refund' as const, memberId: order.memberId, orderId: order.id };
    if (amountFen > limits.clerkRefundMaxFen) {
      throw await this.refuse(
        staff,
        new ApprovalRequired({
          ...base,
          limit: 'clerkRefundMaxFen',
          value: amountFen,
          limitValue: limits.clerkRefundMaxFen,
        }),
      );
    }
    const ageMs = order.paidAt ? now.getTime() - order.paidAt.getTime() : 0;
    if (ageMs > limits.clerkRefundMaxAgeDays * DAY_MS) {
      throw await this.refuse(
        staff,
        new ApprovalRequired({
          ...base,
          limit: 'clerkRefundMaxAgeDays',
          value: Math.floor(ageMs / DAY_MS),
          limitValue: limits.clerkRefundMaxAgeDays,
        }),
      );
    }
  }

  /** Awaits an action whose transaction a limit may refuse (and roll back), recording the refusal. */
  /** The refusals recorded in `period`, newest first (a merchant's only when `merchantId` is given). */
  refusals(
    allianceId: string,
    period: { from: Date; to: Date },
    merchantId: string | undefined,
    take: number,
  ): Promise<StaffRefusalRow[]> {
    return this.tx.dataSource.getRepository(StaffRefusalRow).find({
      where: {
        allianceId,
        createdAt: And(MoreThanOrEqual(period.from), LessThan(period.to)),
        ...(merchantId && { merchantId }),
      },
      order: { createdAt: 'DESC', id: 'DESC' },
      take,
    });
  }

  async recordingRefusal<T>(staff: Principal, action: Promise<T>): Promise<T> {
    try {
      return await action;
    } catch (error) {
      throw error instanceof ApprovalRequired ? await this.refuse(staff, error) : error;
    }
  }

  /**
   * Records a refusal for the anomaly view and hands the error back to throw. Its own transaction: the
   * refused action's was rolled back (or never began).
   */
  async refuse(staff: Principal, error: ApprovalRequired): Promise<ApprovalRequired> {
    const r = error.refusal;
    await this.tx.run((em) =>
      em.insert(StaffRefusalRow, {
        allianceId: staff.allianceId,
        merchantId: staff.merchantId!,
        staffId: staff.id,
        action: r.action,
        limitName: r.limit,
        value: r.value,
        limitValue: r.limitValue,
        memberId: r.memberId ?? null,
        orderId: r.orderId ?? null,
        createdAt: new Date(),
      }),
    );
    return error;
  }
}
