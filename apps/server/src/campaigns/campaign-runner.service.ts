import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { CampaignAction } from '@allycard/contracts';
import { Repository } from 'typeorm';
import { Clock } from '../common/clock';
import { APP_CONFIG, AppConfig } from '../common/config';
import { isUniqueViolation, TransactionRunner } from '../common/transactions';
import type { CouponTemplate } from '../coupons/coupon-template.entity';
import { CouponTemplatesService } from '../coupons/coupon-templates.service';
import { CouponsService } from '../coupons/coupons.service';
import { MembersService } from '../members/members.service';
import { LedgerService } from '../points/ledger.service';
import { CampaignMessages } from './campaign-messages';
import { CampaignRow, CampaignTarget } from './campaign.entities';

export const CAMPAIGN_BATCH = 200;

/**
 * Acts on a running campaign's frozen audience in batches. Each target is one transaction that
 * first moves it out of `pending` with a guarded update (also requiring the campaign to be running
 * still), then issues the coupon or posts the points: a batch that dies midway leaves the rest
 * pending, a rerun (another replica, a restart) finds only those, and no target is acted on twice.
 */
@Injectable()
export class CampaignRunner {
  private readonly logger = new Logger(CampaignRunner.name);

  constructor(
    @InjectRepository(CampaignRow) private readonly campaigns: Repository<CampaignRow>,
    @InjectRepository(CampaignTarget) private readonly targets: Repository<CampaignTarget>,
    private readonly coupons: CouponsService,
    private readonly templates: CouponTemplatesService,
    private readonly members: MembersService,
    private readonly ledger: LedgerService,
    private readonly messages: CampaignMessages,
    private readonly tx: TransactionRunner,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** targets this process acted on, for the test-only crash point */
  private acted = 0;

  /** Every running campaign, until done, paused or `maxBatches` batches in all; the targets acted on. */
  async runDue(maxBatches = Infinity): Promise<number> {
    let done = 0;
    let batches = 0;
    for (const campaign of await this.campaigns.find({
      where: { status: 'running' },
      order: { id: 'ASC' },
    })) {
      while (batches < maxBatches) {
        const n = await this.runBatch(campaign.id);
        if (n === null) break;
        batches++;
        done += n;
      }
    }
    return done;
  }

  /** One batch of a campaign; null when it is not running or nothing is pending (then it completes). */
  async runBatch(campaignId: string, size = CAMPAIGN_BATCH): Promise<number | null> {
    const campaign = await this.campaigns.findOneBy({ id: campaignId });
    if (!campaign || campaign.status !== 'running') return null;
    const pending = await this.targets.find({
      where: { campaignId, status: 'pending' },
      order: { id: 'ASC' },
      take: size,
    });
    if (!pending.length) {
      await this.complete(campaign);
      return null;
    }
    const action = JSON.parse(campaign.action) as CampaignAction;
    const template =
      action.type === 'coupon'
        ? ((await this.templates.find(campaign.allianceId, action.templateId))?.template ?? null)
        : null;
    for (const target of pending) {
      try {
        await this.actOn(campaign, action, template, target);
        // Test-only crash point (FAULT_INJECT is refused outside NODE_ENV=test): a kill -9 mid-batch.
        if (this.config.faultInject === `campaign-after:${++this.acted}`)
          process.kill(process.pid, 'SIGKILL');
      } catch (error) {
        // a claim raced this issue for the member's slot: the target stays pending for the next batch
        if (!isUniqueViolation(error, 'claim_seq')) throw error;
      }
    }
    return pending.length;
  }

  /** One target in one transaction; true when the member was given something. */
  private async actOn(
    campaign: CampaignRow,
    action: CampaignAction,
    template: CouponTemplate | null,
    target: CampaignTarget,
  ): Promise<boolean> {
    const now = this.clock.now();
    return this.tx.run(async (em) => {
      const taken = await em
        .createQueryBuilder()
        .update(CampaignTarget)
        .set({ status: 'issued', processedAt: now })
        .where(
          "id = :id AND status = 'pending' AND EXISTS (SELECT 1 FROM campaigns c WHERE c.id = :campaignId AND c.status = 'running')",
          { id: target.id, campaignId: campaign.id },
        )
        .execute();
      if (taken.affected !== 1) return false;
      const skip = async (reason: string) => {
        await em.update(CampaignTarget, { id: target.id }, { status: 'skipped', skipReason: reason });
        return false;
      };
      const member = await this.members.findInAlliance(campaign.allianceId, target.memberId, em);
      if (!member || member.closedAt) return skip('closed');
      if (action.type === 'coupon') {
        if (!template) return skip('template_unavailable');
        const issued = await this.coupons.issueWithinLimit(em, template, member, 'campaign', now);
        if (typeof issued === 'string') return skip(issued);
        await em.update(CampaignTarget, { id: target.id }, { couponId: issued.id });
        await this.messages.messageTarget(em, campaign, target, now);
        return true;
      }
      await this.ledger.earn(
        em,
        member,
        action.points,
        {
          kind: 'reward',
          type: 'campaign',
          id: target.id,
          merchantId: action.fundedBy.type === 'merchant' ? action.fundedBy.merchantId : null,
        },
        now,
      );
      await em.update(CampaignTarget, { id: target.id }, { points: action.points });
      await this.messages.messageTarget(em, campaign, target, now);
      return true;
    });
  }

  private async complete(campaign: CampaignRow): Promise<void> {
    const now = this.clock.now();
    const done = await this.tx.run((em) =>
      em
        .createQueryBuilder()
        .update(CampaignRow)
        .set({ status: 'completed', completedAt: now, updatedAt: now })
        .where("id = :id AND status = 'running'", { id: campaign.id })
        .execute(),
    );
    if (done.affected === 1) this.logger.log(`campaign ${campaign.id} completed`);
  }
}
