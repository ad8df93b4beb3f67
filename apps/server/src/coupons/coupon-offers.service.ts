import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Offer } from '@allycard/contracts';
import { templateIssueProblem } from '@allycard/domain';
import { Repository } from 'typeorm';
import { AlliancesService } from '../alliances/alliances.service';
import { Principal } from '../common/auth';
import { MembersService } from '../members/members.service';
import { claimRefusal } from './coupon-eligibility';
import { CouponTemplatesService, TemplateView } from './coupon-templates.service';
import { CouponRow } from './coupon.entity';
import { termsOf } from './coupons.service';

/** 领券中心 and the join page: the templates a member, or a newcomer about to join, may have now. */
@Injectable()
export class CouponOffersService {
  constructor(
    @InjectRepository(CouponRow) private readonly coupons: Repository<CouponRow>,
    private readonly templates: CouponTemplatesService,
    private readonly members: MembersService,
    private readonly alliances: AlliancesService,
  ) {}

  /** Templates this member may claim now, with what is left and how many the member already has. */
  async offers(who: Principal): Promise<Offer[]> {
    const member = await this.members.get(who);
    const tiers = await this.alliances.tiers(who.allianceId);
    const views = (await this.templates.active(who.allianceId, { joinGift: false })).filter(
      (v) => v.template.channel === 'centre' && claimRefusal(v.template, member, tiers) === null,
    );
    const mine = views.length
      ? await this.coupons
          .createQueryBuilder('c')
          .select('c.template_id', 'templateId')
          .addSelect('COUNT(*)', 'n')
          .where('c.claimed_by_member_id = :member AND c.template_id IN (:...ids)', {
            member: member.id,
            ids: views.map((v) => v.template.id),
          })
          .groupBy('c.template_id')
          .getRawMany<{ templateId: string; n: string }>()
      : [];
    const claimed = new Map(mine.map((r) => [String(r.templateId), Number(r.n)]));
    return views.map((view) => toOffer(view, claimed.get(view.template.id) ?? 0));
  }

  /**
   * 领券中心 for a visitor who has not joined yet (browsing before joining): what a newcomer of this
   * alliance could claim right after joining, judged as a member of the base tier with no purchase.
   */
  async offersForNewcomer(allianceId: string): Promise<Offer[]> {
    const newcomer = await this.newcomer(allianceId);
    const views = (await this.templates.active(allianceId, { joinGift: false })).filter(
      (v) => v.template.channel === 'centre' && claimRefusal(v.template, newcomer, newcomer.tiers) === null,
    );
    return views.map((view) => toOffer(view, 0));
  }

  /**
   * What joining this alliance gives a newcomer now, for the join page to name before anyone joins:
   * the join gifts that would issue (active, in stock, not expired, open to the base tier).
   */
  async joinGiftPreview(allianceId: string): Promise<Offer[]> {
    const now = new Date();
    const newcomer = await this.newcomer(allianceId);
    const views = (await this.templates.active(allianceId, { joinGift: true })).filter(
      ({ template: t }) =>
        templateIssueProblem(t, now) === null && claimRefusal(t, newcomer, newcomer.tiers) === null,
    );
    return views.map((view) => toOffer(view, 0));
  }

  /** A member as joining makes one: the base tier, no purchase yet. */
  private async newcomer(allianceId: string) {
    const tiers = await this.alliances.tiers(allianceId);
    const base = [...tiers].sort((a, b) => a.minSpendFen - b.minSpendFen)[0];
    return { tierCode: base?.code ?? '', firstPurchaseAt: null, tiers };
  }
}

/** A template as 领券中心 and the join page show it. */
function toOffer({ template: t, merchantIds }: TemplateView, claimedByMe: number): Offer {
  return {
    id: t.id,
    ...termsOf(t),
    usableAt: t.usableAt,
    merchantIds,
    validDays: t.validDays,
    validFrom: t.validFrom?.toISOString() ?? null,
    validUntil: t.validUntil?.toISOString() ?? null,
    firstOrderOnly: t.firstOrderOnly,
    forwardable: t.forwardable,
    perMemberLimit: t.perMemberLimit,
    remaining: Math.max(0, t.stock - t.issued),
    claimedByMe,
  };
}
