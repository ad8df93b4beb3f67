import { Injectable } from '@nestjs/common';
import type { CampaignReport } from '@allycard/contracts';
import { DataSource } from 'typeorm';
import type { Principal } from '../common/auth';
import { LedgerService } from '../points/ledger.service';
import { CampaignsService } from './campaigns.service';

const PAID = `('paid', 'refunded', 'partially_refunded')`;

/**
 * What a campaign brought in, by the contract's definitions: a purchase (a paid order or a counter
 * purchase above 0) after the launch converts a member; spend is paid less refunded. A merchant's
 * campaign counts purchases at that merchant. Cost is the discount of the campaign's coupons that
 * were used plus the value of the points it granted (at the alliance's point value).
 */
@Injectable()
export class CampaignReportService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly campaigns: CampaignsService,
    private readonly ledger: LedgerService,
  ) {}

  async report(who: Principal, id: string): Promise<CampaignReport> {
    const campaign = await this.campaigns.visible(who, id);
    const empty = { targeted: 0, holdout: 0, issued: 0, messaged: 0, converted: 0, holdoutConverted: 0 };
    if (!campaign.launchedAt) return { ...empty, spendFen: 0, holdoutSpendFen: 0, costFen: 0 };
    const time = (d: Date) => this.dataSource.driver.preparePersistentValue(d, { type: 'datetime' } as never);
    const since = time(campaign.launchedAt);
    const at = campaign.merchantId ? ' AND o.merchant_id = ?' : '';
    const atR = campaign.merchantId ? ' AND r.merchant_id = ?' : '';
    const scope = campaign.merchantId ? [campaign.merchantId] : [];
    const orders = `FROM orders o WHERE o.member_id = t.member_id AND o.status IN ${PAID} AND o.paid_at > ?${at}`;
    const counter = `FROM redemptions r WHERE r.member_id = t.member_id AND r.amount_fen > 0 AND r.voided_at IS NULL AND r.created_at > ?${atR}`;
    const rows: Record<string, string | number | null>[] = await this.dataSource.query(
      `SELECT p.holdout AS holdout, COUNT(*) AS members,
          SUM(CASE WHEN p.status = 'issued' THEN 1 ELSE 0 END) AS issued,
          SUM(CASE WHEN p.messaged_at IS NOT NULL THEN 1 ELSE 0 END) AS messaged,
          SUM(CASE WHEN p.purchases > 0 THEN 1 ELSE 0 END) AS converted,
          COALESCE(SUM(p.spend_fen), 0) AS spend_fen,
          COALESCE(SUM(p.points), 0) AS points
        FROM (
          SELECT t.holdout, t.status, t.messaged_at, t.points,
            (SELECT COUNT(*) ${orders}) + (SELECT COUNT(*) ${counter}) AS purchases,
            COALESCE((SELECT SUM(o.payable_fen - o.refunded_fen) ${orders}), 0)
              + COALESCE((SELECT SUM(r.amount_fen - r.member_day_discount_fen) ${counter}), 0) AS spend_fen
          FROM campaign_targets t WHERE t.campaign_id = ?
        ) p GROUP BY p.holdout`,
      [since, ...scope, since, ...scope, since, ...scope, since, ...scope, campaign.id],
    );
    const [discount] = await this.dataSource.query(
      `SELECT COALESCE(SUM(COALESCE(o.coupon_discount_fen, r.coupon_discount_fen, 0)), 0) AS fen
        FROM campaign_targets t
        JOIN coupons c ON c.id = t.coupon_id
        LEFT JOIN orders o ON o.id = c.order_id AND o.status IN ${PAID}
        LEFT JOIN redemptions r ON r.id = c.redemption_id AND r.voided_at IS NULL
        WHERE t.campaign_id = ? AND c.status = 'used'`,
      [campaign.id],
    );
    const group = (holdout: boolean) =>
      rows.find((r) => Boolean(Number(r.holdout)) === holdout) ?? {
        members: 0,
        issued: 0,
        messaged: 0,
        converted: 0,
        spend_fen: 0,
        points: 0,
      };
    const targeted = group(false);
    const control = group(true);
    const { pointValueFen } = await this.ledger.policy(campaign.allianceId);
    return {
      targeted: Number(targeted.members),
      holdout: Number(control.members),
      issued: Number(targeted.issued),
      messaged: Number(targeted.messaged),
      converted: Number(targeted.converted),
      holdoutConverted: Number(control.converted),
      spendFen: Number(targeted.spend_fen),
      holdoutSpendFen: Number(control.spend_fen),
      costFen: Number(discount.fen) + Number(targeted.points) * pointValueFen,
    };
  }
}
