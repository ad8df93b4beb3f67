import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { CampaignAction } from '@allycard/contracts';
import { EntityManager, In, Repository } from 'typeorm';
import { Clock } from '../common/clock';
import { APP_CONFIG, AppConfig } from '../common/config';
import { isUniqueViolation, TransactionRunner } from '../common/transactions';
import type { CouponTemplate } from '../coupons/coupon-template.entity';
import { CouponTemplatesService } from '../coupons/coupon-templates.service';
import { CouponIssuingService } from '../coupons/coupon-issuing.service';
import { MembersService } from '../members/members.service';
import { LedgerService } from '../points/ledger.service';
import { CampaignMessages } from './campaign-messages';
import { CampaignRow, CampaignTarget } from './campaign.entities';

/** the largest batch: targets per transaction when batches are fast */
export const CAMPAIGN_BATCH = 500;
/**
 * How long one batch transaction should take: the next batch's size is adapted so that it holds its
 * locks and keeps MariaDB busy about this long (bench/RESULTS.md, "Campaign launch": batches of a
 * fixed 500 stayed open up to 3 s on a loaded machine and the claims beside them waited).
 */
export const CAMPAIGN_BATCH_BUDGET_MS = 50;
/** the pause between two batches, leaving the database to the requests beside the launch */
export const CAMPAIGN_PAUSE_MS = 10;
/** how long one job tick goes on with batches, inside its 30 s lease */
export const CAMPAIGN_TICK_MS = 20_000;

/**
 * The smallest batch the time budget shrinks to: below it the statements every batch runs, whatever
 * its size, take most of its time, so a smaller batch would hold its locks hardly shorter.
 */
export const CAMPAIGN_MIN_BATCH = 16;

/**
 * The size of the next batch after one of `size` targets took `ms`: double while batches stay within
 * the time budget (the slow start from 1, which doubles up to CAMPAIGN_MIN_BATCH whatever the time),
 * else down towards the budget, at most halving per batch (one slow batch on a busy machine does not
 * swing the size to the minimum).
 */
export function nextBatchSize(size: number, ms: number): number {
  if (ms <= CAMPAIGN_BATCH_BUDGET_MS || size * 2 <= CAMPAIGN_MIN_BATCH)
    return Math.min(CAMPAIGN_BATCH, size * 2);
  return Math.max(
    CAMPAIGN_MIN_BATCH,
    Math.ceil(size / 2),
    Math.floor((size * CAMPAIGN_BATCH_BUDGET_MS) / ms),
  );
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The batch went wrong in a way the next one will not: the targets were taken by another holder. */
class BatchRaced extends Error {}

/**
 * Acts on a running campaign's frozen audience in batches, each batch one transaction of set-based
 * statements: a guarded update moves the whole batch out of `pending` (and requires the campaign to
 * be running still), CouponIssuingService.issueBatch / LedgerService.earnBatch give the coupons or points
 * in bulk, one update per outcome records what each target got, and the campaign's messages to the
 * given targets go out set-based too (CampaignMessages.messageBatch). A batch that dies (kill -9) leaves
 * all its targets pending, a rerun (another replica, a restart) finds only those, and no target is
 * acted on twice: the unique (campaign, member) key and the guarded update see to it. When a claim
 * races the batch for a member's limit slot, the batch rolls back and its targets go one per
 * transaction (the slow path, as before). Each run of a campaign starts with a batch of 1 and
 * grows (at most doubling) while batches stay within CAMPAIGN_BATCH_BUDGET_MS, up to CAMPAIGN_BATCH:
 * a broken template or message costs one target, not 500, and on a busy database the batches shrink
 * instead of holding their locks for seconds. Between batches the runner pauses CAMPAIGN_PAUSE_MS.
 */
@Injectable()
export class CampaignRunner {
  private readonly logger = new Logger(CampaignRunner.name);

  constructor(
    @InjectRepository(CampaignRow) private readonly campaigns: Repository<CampaignRow>,
    @InjectRepository(CampaignTarget) private readonly targets: Repository<CampaignTarget>,
    private readonly couponIssuing: CouponIssuingService,
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
  /** the next batch size of each campaign this process is running (the slow start) */
  private readonly nextSize = new Map<string, number>();

  /**
   * Every running campaign, until done or paused, or until `maxBatches` batches or `maxMs` in all;
   * the targets acted on.
   */
  async runDue(maxBatches = Infinity, maxMs = Infinity): Promise<number> {
    const until = Date.now() + maxMs;
    let done = 0;
    let batches = 0;
    for (const campaign of await this.campaigns.find({
      where: { status: 'running' },
      order: { id: 'ASC' },
    })) {
      while (batches < maxBatches && Date.now() < until) {
        const n = await this.runBatch(campaign.id);
        if (n === null) break;
        batches++;
        done += n;
        await sleep(CAMPAIGN_PAUSE_MS);
      }
    }
    return done;
  }

  /**
   * One batch of a campaign (of `size` targets, or the slow start's next size); null when it is not
   * running or nothing is pending (then it completes).
   */
  async runBatch(campaignId: string, size?: number): Promise<number | null> {
    const campaign = await this.campaigns.findOneBy({ id: campaignId });
    if (!campaign || campaign.status !== 'running') {
      this.nextSize.delete(campaignId);
      return null;
    }
    const take = size ?? this.nextSize.get(campaignId) ?? 1;
    const pending = await this.targets.find({
      where: { campaignId, status: 'pending' },
      order: { id: 'ASC' },
      take,
    });
    if (!pending.length) {
      this.nextSize.delete(campaignId);
      await this.complete(campaign);
      return null;
    }
    const action = JSON.parse(campaign.action) as CampaignAction;
    const template =
      action.type === 'coupon'
        ? ((await this.templates.find(campaign.allianceId, action.templateId))?.template ?? null)
        : null;
    try {
      const t0 = Date.now();
      const n = await this.tx.run((em) => this.actOnBatch(em, campaign, action, template, pending));
      if (size === undefined) this.nextSize.set(campaignId, nextBatchSize(take, Date.now() - t0));
      this.acted += n;
      this.crashPoint();
      return n;
    } catch (error) {
      if (error instanceof BatchRaced) return 0;
      // a claim raced the batch for a member's slot: this batch goes one target per transaction
      if (!isUniqueViolation(error, 'claim_seq')) throw error;
    }
    for (const target of pending) {
      try {
        await this.actOn(campaign, action, template, target);
        this.acted++;
        this.crashPoint();
      } catch (error) {
        // the claim took the slot again: the target stays pending for the next batch
        if (!isUniqueViolation(error, 'claim_seq')) throw error;
      }
    }
    return pending.length;
  }

  /** Test-only crash point (FAULT_INJECT is refused outside NODE_ENV=test): kill -9 once N targets are done. */
  private crashPoint() {
    const at = /^campaign-after:(\d+)$/.exec(this.config.faultInject ?? '');
    if (at && this.acted >= Number(at[1])) process.kill(process.pid, 'SIGKILL');
  }

  /** A batch of pending targets in the caller's transaction; how many were taken (all or none). */
  private async actOnBatch(
    em: EntityManager,
    campaign: CampaignRow,
    action: CampaignAction,
    template: CouponTemplate | null,
    batch: CampaignTarget[],
  ): Promise<number> {
    const now = this.clock.now();
    const taken = await em
      .createQueryBuilder()
      .update(CampaignTarget)
      .set({ status: 'issued', processedAt: now })
      .where(
        "id IN (:...ids) AND status = 'pending' AND EXISTS (SELECT 1 FROM campaigns c WHERE c.id = :campaignId AND c.status = 'running')",
        { ids: batch.map((t) => t.id), campaignId: campaign.id },
      )
      .execute();
    // paused or cancelled since the batch was read: nothing is taken
    if (taken.affected === 0) return 0;
    // another holder took some of them: roll back and read the pending ones again
    if (taken.affected !== batch.length) throw new BatchRaced();

    const open = new Map(
      (
        await this.members.findManyInAlliance(
          campaign.allianceId,
          batch.map((t) => t.memberId),
          em,
        )
      )
        .filter((m) => !m.closedAt)
        .map((m) => [m.id, m]),
    );
    const skipped = new Map<string, string[]>();
    const skip = (target: CampaignTarget, reason: string) =>
      skipped.set(reason, [...(skipped.get(reason) ?? []), target.id]);
    const reached: CampaignTarget[] = [];
    for (const target of batch)
      if (open.has(target.memberId)) reached.push(target);
      else skip(target, 'closed');
    const given: CampaignTarget[] = [];

    if (action.type === 'coupon') {
      const couponOf = new Map<string, string>();
      if (!template) reached.forEach((t) => skip(t, 'template_unavailable'));
      else {
        const issued = await this.couponIssuing.issueBatch(
          em,
          template,
          reached.map((t) => open.get(t.memberId)!),
          'campaign',
          now,
        );
        for (const target of reached) {
          const outcome = issued.get(target.memberId)!;
          if (typeof outcome === 'string') skip(target, outcome);
          else {
            couponOf.set(target.id, outcome.id);
            given.push(target);
          }
        }
      }
      if (given.length)
        await em
          .createQueryBuilder()
          .update(CampaignTarget)
          .set({
            couponId: () =>
              `CASE id ${given.map((t) => `WHEN ${Number(t.id)} THEN ${Number(couponOf.get(t.id))}`).join(' ')} END`,
          })
          .where('id IN (:...ids)', { ids: given.map((t) => t.id) })
          .execute();
    } else {
      await this.ledger.earnBatch(
        em,
        reached.map((t) => ({ member: open.get(t.memberId)!, sourceId: t.id })),
        action.points,
        {
          kind: 'reward',
          type: 'campaign',
          merchantId: action.fundedBy.type === 'merchant' ? action.fundedBy.merchantId : null,
        },
        now,
      );
      given.push(...reached);
      if (given.length)
        await em.update(CampaignTarget, { id: In(given.map((t) => t.id)) }, { points: action.points });
    }
    for (const [reason, ids] of skipped)
      await em.update(CampaignTarget, { id: In(ids) }, { status: 'skipped', skipReason: reason });
    await this.messages.messageBatch(em, campaign, given, now);
    return batch.length;
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
        const issued = await this.couponIssuing.issueWithinLimit(em, template, member, 'campaign', now);
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
