import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { counterPaidFen, templateIssueProblem } from '@allycard/domain';
import type { SpendGetKeptCase, SpendGetRule as SpendGetRuleView } from '@allycard/contracts';
import { EntityManager, IsNull, Repository } from 'typeorm';
import { Clock } from '../common/clock';
import { DomainError, notFound, validationFailed } from '../common/errors';
import { isUniqueViolation, TransactionRunner } from '../common/transactions';
import { CouponTemplatesService } from '../coupons/coupon-templates.service';
import { CouponUsageService } from '../coupons/coupon-usage.service';
import { CouponIssuingService } from '../coupons/coupon-issuing.service';
import { MembersService } from '../members/members.service';
import { MerchantsService } from '../merchants/merchants.service';
import type { Order } from '../orders/order.entities';
import type { Redemption } from '../counter/redemption.entity';
import { SpendGetGrant, SpendGetRule, SpendGetSource } from './benefit.entities';
import { SpendGetRuleDto } from './dto/spend-get.dto';
import { isId } from '../common/ids';

/**
 * 满额返券: a paid order or a counter purchase (what the member paid) of at least a rule's amount
 * issues one coupon of its template (the rule at the purchase's merchant first, then the highest
 * threshold met), through the coupons module's issue path. The grant row is unique per purchase
 * (source type, id), so racing payment notifications issue one coupon; a full refund (a void of the
 * counter record) withdraws it while unused (available → void, guarded), else it stays as 'kept_used'.
 */
@Injectable()
export class SpendGetService {
  private readonly logger = new Logger(SpendGetService.name);

  constructor(
    @InjectRepository(SpendGetRule) private readonly rules: Repository<SpendGetRule>,
    @InjectRepository(SpendGetGrant) private readonly grants: Repository<SpendGetGrant>,
    private readonly templates: CouponTemplatesService,
    private readonly couponIssuing: CouponIssuingService,
    private readonly couponUsage: CouponUsageService,
    private readonly members: MembersService,
    private readonly merchants: MerchantsService,
    private readonly clock: Clock,
    private readonly tx: TransactionRunner,
  ) {}

  async list(allianceId: string): Promise<SpendGetRuleView[]> {
    const rows = await this.rules.find({ where: { allianceId }, order: { minPaidFen: 'ASC', id: 'ASC' } });
    const views = await this.templates.byIds(
      allianceId,
      rows.map((r) => r.templateId),
    );
    return rows.map((r) => toView(r, views.get(r.templateId)?.template.title ?? ''));
  }

  async create(allianceId: string, body: SpendGetRuleDto): Promise<SpendGetRuleView> {
    const view = await this.templates.find(allianceId, body.templateId);
    if (!view)
      throw new DomainError('NOT_FOUND', 404, '满额返券的券模板不存在（须是本联盟的券）', [
        { field: 'templateId', message: 'no such template in this alliance' },
      ]);
    const problem = templateIssueProblem(view.template, this.clock.now());
    if (problem) {
      const message = `满额返券的券模板现在发不出券（${ISSUE_PROBLEM[problem]}），请选择可发放的券`;
      throw validationFailed(
        [{ field: 'templateId', message: `template cannot issue: ${problem}` }],
        message,
      );
    }
    if (body.merchantId && !(await this.merchants.list(allianceId)).some((m) => m.id === body.merchantId))
      throw new DomainError('NOT_FOUND', 404, '所选商户不存在（须是本联盟的商户）', [
        { field: 'merchantId', message: 'no such merchant in this alliance' },
      ]);
    const row = await this.tx.run((em) =>
      em.save(
        em.create(SpendGetRule, {
          allianceId,
          merchantId: body.merchantId ?? null,
          minPaidFen: body.minPaidFen,
          templateId: body.templateId,
          createdAt: this.clock.now(),
        }),
      ),
    );
    return toView(row, view.template.title);
  }

  async remove(allianceId: string, id: string): Promise<SpendGetRuleView> {
    const row = isId(id) ? await this.rules.findOneBy({ id, allianceId }) : null;
    if (!row) throw notFound('满额返券规则');
    await this.tx.run((em) => em.delete(SpendGetRule, { id: row.id, allianceId }));
    const view = await this.templates.find(allianceId, row.templateId);
    return toView(row, view?.template.title ?? '');
  }

  /** Fully refunded orders and voided counter records whose coupon had been used: the coupon stayed (the console lists them). */
  async keptCases(allianceId: string): Promise<SpendGetKeptCase[]> {
    const rows = await this.grants.find({
      where: { allianceId, status: 'kept_used' },
      order: { updatedAt: 'DESC', id: 'DESC' },
      take: 200,
    });
    return rows.map((g) => ({
      grantId: g.id,
      sourceType: g.sourceType,
      orderId: g.sourceType === 'order' ? g.sourceId : null,
      redemptionId: g.sourceType === 'redemption' ? g.sourceId : null,
      memberId: g.memberId,
      couponId: g.couponId!,
      updatedAt: g.updatedAt.toISOString(),
    }));
  }

  /** In the paying transaction (OrderPaid): one coupon for the purchase, if a rule's amount is met. */
  onPaid(em: EntityManager, order: Order, at: Date): Promise<SpendGetGrant | null> {
    if (order.mallOrderId) return Promise.resolve(null);
    return this.grant(
      em,
      { ...order, paidFen: order.payableFen, sourceType: 'order', sourceId: order.id },
      at,
    );
  }

  /** In the recording transaction (CounterPurchaseRecorded): the same, for a clerk's counter purchase. */
  onCounterRecorded(em: EntityManager, record: Redemption, at: Date): Promise<SpendGetGrant | null> {
    return this.grant(
      em,
      { ...record, paidFen: counterPaidFen(record), sourceType: 'redemption', sourceId: record.id },
      at,
    );
  }

  /** In the full refund's transaction (OrderRefunded): the coupon withdrawn if unused, else recorded. */
  onFullRefund(em: EntityManager, order: Order, at: Date): Promise<SpendGetGrant['status'] | null> {
    return this.withdraw(em, 'order', order.id, at);
  }

  /** In the void's transaction (CounterPurchaseVoided): as a full refund of an order. */
  onCounterVoided(em: EntityManager, record: Redemption, at: Date): Promise<SpendGetGrant['status'] | null> {
    return this.withdraw(em, 'redemption', record.id, at);
  }

  private async grant(
    em: EntityManager,
    purchase: SpendGetPurchase,
    at: Date,
  ): Promise<SpendGetGrant | null> {
    if (purchase.paidFen <= 0) return null;
    // the merchant's rules and the alliance-wide ones, in one read
    const candidates = (
      await em.findBy(SpendGetRule, [
        { allianceId: purchase.allianceId, merchantId: purchase.merchantId },
        { allianceId: purchase.allianceId, merchantId: IsNull() },
      ])
    ).filter((r) => r.minPaidFen <= purchase.paidFen);
    // the merchant's own rule first, then the highest threshold met
    candidates.sort(
      (a, b) => Number(b.merchantId !== null) - Number(a.merchantId !== null) || b.minPaidFen - a.minPaidFen,
    );
    const rule = candidates[0];
    if (!rule) return null;
    let grantId: string;
    try {
      const inserted = await em.insert(SpendGetGrant, {
        allianceId: purchase.allianceId,
        ruleId: rule.id,
        sourceType: purchase.sourceType,
        sourceId: purchase.sourceId,
        memberId: purchase.memberId,
        couponId: null,
        status: 'not_issued',
        createdAt: at,
        updatedAt: at,
      });
      grantId = String(inserted.identifiers[0].id);
    } catch (error) {
      if (isUniqueViolation(error, 'spend_get_grants')) return null;
      throw error;
    }
    const template = await this.templates.templateIn(em, purchase.allianceId, rule.templateId);
    const member = await this.members.getIn(em, purchase.memberId);
    const coupon =
      template && !member.closedAt ? await this.couponIssuing.issue(em, template, member, 'spend_get') : null;
    if (!coupon) {
      this.logger.warn(`spend-and-get template ${rule.templateId} issued nothing (stock, status, validity)`);
      return em.findOneByOrFail(SpendGetGrant, { id: grantId });
    }
    await em.update(SpendGetGrant, { id: grantId }, { couponId: coupon.id, status: 'issued', updatedAt: at });
    return em.findOneByOrFail(SpendGetGrant, { id: grantId });
  }

  /** The purchase's coupon withdrawn while unused (guarded), else the case recorded as kept_used. */
  private async withdraw(
    em: EntityManager,
    sourceType: SpendGetSource,
    sourceId: string,
    at: Date,
  ): Promise<SpendGetGrant['status'] | null> {
    const grant = await em.findOneBy(SpendGetGrant, { sourceType, sourceId });
    if (!grant || grant.status !== 'issued' || !grant.couponId) return null;
    const withdrawn = await this.couponUsage.withdrawIssued(em, grant.couponId, at);
    const status = withdrawn ? 'withdrawn' : 'kept_used';
    const moved = await em.update(
      SpendGetGrant,
      { id: grant.id, status: 'issued' },
      { status, updatedAt: at },
    );
    return moved.affected === 1 ? status : null;
  }
}

interface SpendGetPurchase {
  allianceId: string;
  merchantId: string;
  memberId: string;
  paidFen: number;
  sourceType: SpendGetSource;
  sourceId: string;
}

const ISSUE_PROBLEM = { paused: '已暂停', out_of_stock: '已发完', expired: '已过期' } as const;

function toView(r: SpendGetRule, couponTitle: string): SpendGetRuleView {
  return {
    id: r.id,
    merchantId: r.merchantId,
    minPaidFen: r.minPaidFen,
    templateId: r.templateId,
    couponTitle,
  };
}
