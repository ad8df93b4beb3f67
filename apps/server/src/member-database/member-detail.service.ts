import { Injectable } from '@nestjs/common';
import { spendByMerchant, type PurchaseFact } from '@allycard/domain';
import type { AdminMemberDetail, MemberTimelineEntry } from '@allycard/contracts';
import { DataSource } from 'typeorm';
import type { Principal } from '../common/auth';
import { notFound } from '../common/errors';
import { CouponsService } from '../coupons/coupons.service';
import { readStoredTime } from '../database/columns';
import type { Member } from '../members/member.entity';
import { MembersService } from '../members/members.service';
import { MemberStandingService } from '../members/member-standing.service';
import { PointsService } from '../points/points.service';
import { MemberListService } from './member-list.service';
import { RfmService } from './rfm.service';

type Num = string | number;
type Time = Date | string;
const TIMELINE_PER_KIND = 100;
const iso = (t: Time) => readStoredTime(t).toISOString();
const id = (v: Num | null) => (v === null ? null : String(v));

/**
 * One member as the operator sees it: the list's figures, points about to expire, spend per
 * merchant, coupons, the friends it brought in and a timeline, newest first. Other modules' tables
 * are read through their services or read-only queries. A merchant admin sees only what happened at
 * its merchant (purchases, refunds, coupons used and points posted there).
 */
@Injectable()
export class MemberDetailService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly list: MemberListService,
    private readonly members: MembersService,
    private readonly standing: MemberStandingService,
    private readonly points: PointsService,
    private readonly coupons: CouponsService,
    private readonly rfm: RfmService,
  ) {}

  /** The member if the caller may see it; another alliance's or an unseen member is 404. */
  async visibleMember(who: Principal, memberId: string): Promise<Member> {
    const member = await this.members.findInAlliance(who.allianceId, memberId);
    if (!member || !(await this.list.one(who, memberId))) throw notFound('会员');
    return member;
  }

  async detail(who: Principal, memberId: string): Promise<AdminMemberDetail> {
    const summary = await this.list.one(who, memberId);
    const member = summary && (await this.members.findInAlliance(who.allianceId, memberId));
    if (!summary || !member) throw notFound('会员');
    const scope = who.role === 'merchant_admin' ? who.merchantId! : null;
    const asMember: Principal = { role: 'member', id: member.id, allianceId: member.allianceId };

    const [purchases, balance, coupons, referrals, timeline, rfm] = await Promise.all([
      this.purchases(member, scope),
      this.points.balance(asMember),
      this.coupons.wallet(asMember),
      this.referrals(member),
      this.timeline(member, scope),
      // alliance-wide figures: a merchant admin sees its own merchant's only
      scope ? null : this.rfm.of(member.allianceId, member.id),
    ]);
    return {
      ...summary,
      joinSource: member.joinSource,
      joinStoreId: member.joinStoreId,
      joinCampaign: member.joinCampaign,
      referrerMemberId: member.referrerMemberId,
      expiring: balance.expiring,
      spendByMerchant: spendByMerchant(purchases),
      coupons: scope
        ? coupons.filter((c) => c.usableAt === 'alliance' || c.merchantIds.includes(scope))
        : coupons,
      referrals,
      timeline,
      rfm,
    };
  }

  /** The member's purchases by the contract's definition (at `merchantId` only, when given). */
  private async purchases(member: Member, merchantId: string | null): Promise<PurchaseFact[]> {
    const rows: { merchant_id: Num; at: Time; paid: Num; refunded: Num }[] = await this.dataSource.query(
      `SELECT merchant_id, paid_at AS at, payable_fen AS paid, refunded_fen AS refunded FROM orders
         WHERE member_id = ? AND status IN ('paid', 'refunded', 'partially_refunded')${merchantId ? ' AND merchant_id = ?' : ''}
       UNION ALL
       SELECT merchant_id, created_at AS at, amount_fen - member_day_discount_fen AS paid, 0 AS refunded FROM redemptions
         WHERE member_id = ? AND amount_fen > 0 AND voided_at IS NULL${merchantId ? ' AND merchant_id = ?' : ''}`,
      merchantId ? [member.id, merchantId, member.id, merchantId] : [member.id, member.id],
    );
    return rows.map((r) => ({
      merchantId: String(r.merchant_id),
      at: readStoredTime(r.at),
      paidFen: Number(r.paid),
      refundedFen: Number(r.refunded),
    }));
  }

  private async referrals(member: Member): Promise<AdminMemberDetail['referrals']> {
    const rows: { id: Num; joined_at: Time; first_purchase_at: Time | null }[] = await this.dataSource.query(
      `SELECT id, joined_at, first_purchase_at FROM members WHERE referrer_member_id = ? AND alliance_id = ?
       ORDER BY id DESC LIMIT 200`,
      [member.id, member.allianceId],
    );
    return rows.map((r) => ({
      memberId: String(r.id),
      joinedAt: iso(r.joined_at),
      firstPurchaseAt: r.first_purchase_at === null ? null : iso(r.first_purchase_at),
    }));
  }

  private async timeline(member: Member, merchantId: string | null): Promise<MemberTimelineEntry[]> {
    const q = <T>(sql: string, params: unknown[]) =>
      this.dataSource.query(`${sql} LIMIT ${TIMELINE_PER_KIND}`, params) as Promise<T[]>;
    const [qr, orders, counter, refunds, coupons, used, forwarded, points, tiers] = await Promise.all([
      member.joinMerchantId
        ? q<{ id: Num; scene: string }>(
            `SELECT id, scene FROM qrcodes WHERE alliance_id = ? AND merchant_id = ?
               AND ((store_id IS NULL AND ? IS NULL) OR store_id = ?) AND ((campaign IS NULL AND ? IS NULL) OR campaign = ?)
             ORDER BY id`,
            [
              member.allianceId,
              member.joinMerchantId,
              member.joinStoreId,
              member.joinStoreId,
              member.joinCampaign,
              member.joinCampaign,
            ],
          )
        : Promise.resolve([]),
      q<{
        id: Num;
        merchant_id: Num;
        paid_at: Time;
        amount_fen: Num;
        payable_fen: Num;
        coupon_id: Num | null;
      }>(
        `SELECT id, merchant_id, paid_at, amount_fen, payable_fen, coupon_id FROM orders
         WHERE member_id = ? AND paid_at IS NOT NULL ORDER BY id DESC`,
        [member.id],
      ),
      q<{
        id: Num;
        merchant_id: Num;
        created_at: Time;
        amount_fen: Num;
        member_day_discount_fen: Num;
        staff_id: Num;
        coupon_id: Num | null;
      }>(
        `SELECT id, merchant_id, created_at, amount_fen, member_day_discount_fen, staff_id, coupon_id FROM redemptions
         WHERE member_id = ? ORDER BY id DESC`,
        [member.id],
      ),
      q<{ id: Num; order_id: Num; merchant_id: Num; succeeded_at: Time; amount_fen: Num }>(
        `SELECT f.id, f.order_id, o.merchant_id, f.succeeded_at, f.amount_fen FROM refunds f
         JOIN orders o ON o.id = f.order_id
         WHERE o.member_id = ? AND f.status = 'succeeded' ORDER BY f.id DESC`,
        [member.id],
      ),
      q<{
        id: Num;
        template_id: Num;
        source: string;
        created_at: Time;
        received_from_member_id: Num | null;
        title: string;
      }>(
        `SELECT c.id, c.template_id, c.source, c.created_at, c.received_from_member_id, t.title FROM coupons c
         JOIN coupon_templates t ON t.id = c.template_id
         WHERE c.member_id = ? OR c.claimed_by_member_id = ? ORDER BY c.id DESC`,
        [member.id, member.id],
      ),
      q<{ id: Num; used_at: Time; used_merchant_id: Num | null; title: string }>(
        `SELECT c.id, c.used_at, c.used_merchant_id, t.title FROM coupons c JOIN coupon_templates t ON t.id = c.template_id
         WHERE c.member_id = ? AND c.used_at IS NOT NULL ORDER BY c.used_at DESC`,
        [member.id],
      ),
      q<{ coupon_id: Num; accepted_at: Time; accepted_by_member_id: Num }>(
        `SELECT coupon_id, accepted_at, accepted_by_member_id FROM coupon_shares
         WHERE from_member_id = ? AND status = 'accepted' ORDER BY id DESC`,
        [member.id],
      ),
      q<{
        id: Num;
        kind: string;
        source_type: string;
        merchant_id: Num | null;
        points: Num;
        created_at: Time;
        delta: Num;
      }>(
        `SELECT t.id, t.kind, t.source_type, t.merchant_id, t.points, t.created_at,
           (SELECT SUM(p.amount) FROM points_postings p WHERE p.transaction_id = t.id AND p.account_kind = 'member') AS delta
         FROM points_transactions t WHERE t.member_id = ? ORDER BY t.id DESC`,
        [member.id],
      ),
      this.standing.tierChanges(member.allianceId, member.id),
    ]);

    const at = (merchant: Num | null) =>
      merchantId === null || (merchant !== null && String(merchant) === merchantId);
    const entries: MemberTimelineEntry[] = [
      ...orders
        .filter((o) => at(o.merchant_id))
        .map((o) => ({
          at: iso(o.paid_at),
          type: 'purchase' as const,
          detail: {
            channel: 'order',
            orderId: String(o.id),
            merchantId: String(o.merchant_id),
            amountFen: Number(o.amount_fen),
            paidFen: Number(o.payable_fen),
            couponId: id(o.coupon_id),
          },
        })),
      ...counter
        .filter((r) => at(r.merchant_id) && Number(r.amount_fen) > 0)
        .map((r) => ({
          at: iso(r.created_at),
          type: 'purchase' as const,
          detail: {
            channel: 'counter',
            redemptionId: String(r.id),
            merchantId: String(r.merchant_id),
            staffId: String(r.staff_id),
            amountFen: Number(r.amount_fen),
            paidFen: Number(r.amount_fen) - Number(r.member_day_discount_fen),
            couponId: id(r.coupon_id),
          },
        })),
      ...refunds
        .filter((f) => at(f.merchant_id))
        .map((f) => ({
          at: iso(f.succeeded_at),
          type: 'refund' as const,
          detail: {
            orderId: String(f.order_id),
            merchantId: String(f.merchant_id),
            amountFen: Number(f.amount_fen),
          },
        })),
      ...coupons.map((c) => ({
        at: iso(c.created_at),
        type: c.received_from_member_id === null ? ('coupon_claimed' as const) : ('coupon_received' as const),
        detail: {
          couponId: String(c.id),
          title: c.title,
          source: c.source,
          fromMemberId: id(c.received_from_member_id),
        },
      })),
      ...used
        .filter((c) => at(c.used_merchant_id))
        .map((c) => ({
          at: iso(c.used_at),
          type: 'coupon_used' as const,
          detail: { couponId: String(c.id), title: c.title, merchantId: id(c.used_merchant_id) },
        })),
      ...forwarded.map((s) => ({
        at: iso(s.accepted_at),
        type: 'coupon_forwarded' as const,
        detail: { couponId: String(s.coupon_id), toMemberId: String(s.accepted_by_member_id) },
      })),
      ...points
        .filter((p) => merchantId === null || at(p.merchant_id))
        .map((p) => ({
          at: iso(p.created_at),
          type: 'points' as const,
          detail: {
            kind: p.kind,
            source: p.source_type,
            merchantId: id(p.merchant_id),
            points: Number(p.delta ?? 0),
          },
        })),
      ...tiers.map((c) => ({
        at: c.createdAt.toISOString(),
        type: 'tier_changed' as const,
        detail: { from: c.fromCode, to: c.toCode, reason: c.reason },
      })),
      // Last, so that what happened in the same millisecond as the join sorts after it.
      {
        at: member.joinedAt.toISOString(),
        type: 'joined',
        detail: {
          source: member.joinSource,
          merchantId: member.joinMerchantId,
          storeId: member.joinStoreId,
          campaign: member.joinCampaign,
          qrcodeId: qr[0] ? String(qr[0].id) : null,
          scene: qr[0]?.scene ?? null,
          referrerMemberId: member.referrerMemberId,
        },
      },
    ];
    return entries.sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0));
  }
}
