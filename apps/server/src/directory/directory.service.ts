import { Injectable } from '@nestjs/common';
import type { Merchant as MerchantDto } from '@allycard/contracts';
import { cardBenefitsAt } from '@allycard/domain';
import { AlliancesService } from '../alliances/alliances.service';
import type { Principal } from '../common/auth';
import { CouponOffersService } from '../coupons/coupon-offers.service';
import { CouponsService } from '../coupons/coupons.service';
import { MembersService } from '../members/members.service';
import { MerchantsService, toMerchantDto, toStoreDto } from '../merchants/merchants.service';
import { PointsService } from '../points/points.service';

/**
 * 联盟商户 (issue 14 item 10): the alliance's merchants with their stores and, for a member, what
 * the card gives at each — worked out from the coupon, tier and points rules (packages/domain's
 * `cardBenefitsAt`), read through the services that own them.
 */
@Injectable()
export class DirectoryService {
  constructor(
    private readonly merchants: MerchantsService,
    private readonly members: MembersService,
    private readonly coupons: CouponsService,
    private readonly couponOffers: CouponOffersService,
    private readonly alliances: AlliancesService,
    private readonly points: PointsService,
  ) {}

  async list(who: Principal, options: { benefits: boolean }): Promise<MerchantDto[]> {
    const [merchants, benefitsAt] = await Promise.all([
      this.listOf(who.allianceId),
      options.benefits && who.role === 'member' ? this.benefitsOf(who) : null,
    ]);
    return benefitsAt ? merchants.map((m) => ({ ...m, cardBenefits: benefitsAt(m.id) })) : merchants;
  }

  /** The alliance's merchants and their stores, as anyone may see them (a visitor before joining). */
  async listOf(allianceId: string): Promise<MerchantDto[]> {
    const [merchants, stores] = await Promise.all([
      this.merchants.list(allianceId),
      this.merchants.listAllStores(allianceId),
    ]);
    return merchants.map((m) => ({
      ...toMerchantDto(m),
      stores: stores.filter((s) => s.merchantId === m.id).map(toStoreDto),
    }));
  }

  private async benefitsOf(who: Principal) {
    const member = await this.members.get(who);
    const [held, offers, tiers, policy] = await Promise.all([
      this.coupons.usableNow(member),
      this.couponOffers.offers(who),
      this.alliances.tiers(who.allianceId),
      this.points.policy(who.allianceId),
    ]);
    // A tier no longer on the ladder prices and earns as the base tier, as orders do.
    const tier = tiers.find((t) => t.code === member.tierCode) ?? {
      name: member.tierCode,
      discountPermille: 1000,
      pointsMultiplierPermille: 1000,
    };
    const claimable = offers.filter((o) => o.remaining > 0 && o.claimedByMe < o.perMemberLimit);
    const toTerms = (c: (typeof held)[number] | (typeof claimable)[number]) => ({
      id: c.id,
      title: c.title,
      kind: c.kind,
      valueFen: c.valueFen,
      discountPermille: c.discountPermille,
      maxDiscountFen: c.maxDiscountFen,
      thresholdFen: c.thresholdFen,
      usableAt: c.usableAt,
      merchantIds: c.merchantIds,
    });
    const input = {
      held: held.map(toTerms),
      claimable: claimable.map(toTerms),
      tier,
      earnFenPerPoint: policy.earnFenPerPoint,
    };
    return (merchantId: string) => cardBenefitsAt(merchantId, input);
  }
}
