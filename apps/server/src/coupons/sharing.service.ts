import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Coupon, JoinResponse, SentShare, ShareViewer } from '@allycard/contracts';
import { effectiveCouponStatus, SHARE_LIFETIME_HOURS } from '@allycard/domain';
import { EntityManager, In, LessThan, LessThanOrEqual, Repository } from 'typeorm';
import { Principal } from '../common/auth';
import { randomToken } from '../common/crypto';
import { DomainError, notFound } from '../common/errors';
import { TransactionRunner } from '../common/transactions';
import { MembersService } from '../members/members.service';
import { WechatClient } from '../wechat/wechat.client';
import { CouponRow, CouponShare } from './coupon.entity';
import { CouponsService } from './coupons.service';
import { JoiningService } from './joining.service';

export const SHARE_LIFETIME_MS = SHARE_LIFETIME_HOURS * 3600 * 1000;
export const SHARE_PAGE = 'pages/share/index';

/**
 * Forwarding a coupon to a friend (转赠). A shared coupon is `sharing` (not redeemable) until the share
 * is accepted, cancelled or expires. Ownership moves in one transaction guarded on the share being
 * open and the coupon still being the sender's, so of any number of racing accepts exactly one wins.
 */
@Injectable()
export class SharingService {
  private readonly logger = new Logger(SharingService.name);

  constructor(
    @InjectRepository(CouponShare) private readonly shares: Repository<CouponShare>,
    private readonly coupons: CouponsService,
    private readonly members: MembersService,
    private readonly joining: JoiningService,
    private readonly wechat: WechatClient,
    private readonly tx: TransactionRunner,
  ) {}

  async share(
    who: Principal,
    couponId: string,
  ): Promise<{ shareToken: string; expiresAt: string; path: string }> {
    const { row, view } = await this.coupons.getOwned(who, couponId);
    if (!this.coupons.toDto(row, view).forwardable)
      throw new DomainError('NOT_FORWARDABLE', 422, '该券不支持转赠');
    const now = new Date();
    // ≥ 128 bits: 18 random bytes, 24 url-safe characters.
    const token = randomToken(18);
    const expiresAt = new Date(Math.min(now.getTime() + SHARE_LIFETIME_MS, row.validUntil.getTime()));
    await this.tx.run(async (em) => {
      const moved = await em
        .createQueryBuilder()
        .update(CouponRow)
        .set({ status: 'sharing', updatedAt: now })
        .where("id = :id AND member_id = :member AND status = 'available' AND valid_until > :now", {
          id: row.id,
          member: who.id,
          now,
        })
        .execute();
      if (moved.affected !== 1)
        throw new DomainError('COUPON_NOT_AVAILABLE', 409, '该券当前不可转赠（已使用、转赠中或已过期）');
      await em.insert(CouponShare, {
        allianceId: who.allianceId,
        couponId: row.id,
        fromMemberId: who.id,
        token,
        status: 'open',
        expiresAt,
        acceptedByMemberId: null,
        acceptedAt: null,
        createdAt: now,
      });
    });
    return { shareToken: token, expiresAt: expiresAt.toISOString(), path: `${SHARE_PAGE}?token=${token}` };
  }

  async openShareOf(who: Principal, couponId: string) {
    const share = await this.shares.findOneBy({ couponId, fromMemberId: who.id, status: 'open' });
    return (
      share && {
        shareToken: share.token,
        expiresAt: share.expiresAt.toISOString(),
        path: `${SHARE_PAGE}?token=${share.token}`,
      }
    );
  }

  async cancel(who: Principal, couponId: string): Promise<Coupon> {
    const { row } = await this.coupons.getOwned(who, couponId);
    await this.tx.run(async (em) => {
      const share = await em.findOneBy(CouponShare, {
        couponId: row.id,
        fromMemberId: who.id,
        status: 'open',
      });
      if (!share || !(await this.closeShare(em, share, 'cancelled'))) {
        throw new DomainError('COUPON_NOT_AVAILABLE', 409, '该券不在转赠中');
      }
    });
    const { row: after, view } = await this.coupons.getOwned(who, couponId);
    return this.coupons.toDto(after, view);
  }

  /**
   * 已赠送: the member's forwarded coupons, newest first, with what became of each (cancelled ones
   * are the member's own change of mind, not a gift, and are left out).
   */
  async sent(who: Principal): Promise<SentShare[]> {
    const shares = await this.shares.find({
      where: {
        allianceId: who.allianceId,
        fromMemberId: who.id,
        status: In(['open', 'accepted', 'expired']),
      },
      order: { id: 'DESC' },
      take: 100,
    });
    const coupons = await this.coupons.describe(
      who.allianceId,
      shares.map((s) => s.couponId),
    );
    return shares.flatMap((share) => {
      const coupon = coupons.get(share.couponId);
      if (!coupon || share.status === 'cancelled') return [];
      return [
        {
          id: share.id,
          status: share.status,
          // once the friend took it, what the friend does with it is not the sender's to see
          coupon: share.status === 'accepted' ? { ...coupon, status: 'available' as const } : coupon,
          sharedAt: share.createdAt.toISOString(),
          expiresAt: share.expiresAt.toISOString(),
          acceptedAt: share.acceptedAt?.toISOString() ?? null,
        },
      ];
    });
  }

  /**
   * What a visitor sees on opening a share link (no login needed). A signed-in member of the alliance
   * is told whether it sent the share or took it, so neither reads "来晚了" on its own link.
   */
  async preview(token: string, visitor: Principal | null) {
    let share = await this.findByToken(token);
    if (share.status === 'open' && share.expiresAt <= new Date()) share = await this.expire(share);
    const found = await this.coupons.get(share.allianceId, share.couponId);
    if (!found) throw notFound('转赠');
    const sender = await this.members.findInAlliance(share.allianceId, share.fromMemberId);
    const dto = this.coupons.toDto(found.row, found.view);
    return {
      coupon: {
        ...dto,
        status:
          share.status === 'open'
            ? effectiveCouponStatus('available', found.row.validUntil, new Date())
            : dto.status,
      },
      fromNickname: sender?.nickname ?? '一位好友',
      expiresAt: share.expiresAt.toISOString(),
      status: share.status,
      viewer: viewerOf(share, visitor),
    };
  }

  /** The friend accepts with a wx.login code: joins if needed (referred by the sender), then owns the coupon. */
  async accept(token: string, code: string): Promise<JoinResponse & { coupon: Coupon }> {
    const share = await this.findByToken(token);
    const { openid } = await this.wechat.code2Session(code);
    return this.acceptAs(share, openid);
  }

  /** POST /join with a shareToken: joins (referred by the sender when the share is good) and accepts it. */
  async joinWithShare(openid: string, token: string, scene?: string): Promise<JoinResponse> {
    const share = await this.findByToken(token).catch(() => null);
    const sender = share && (await this.members.findInAlliance(share.allianceId, share.fromMemberId));
    if (!share || !sender || sender.openid === openid) return this.joining.joinByOpenid(openid, { scene });
    try {
      const accepted = await this.acceptAs(share, openid);
      return { ...accepted, coupons: [...accepted.coupons, accepted.coupon] };
    } catch (error) {
      // A share that is used or expired does not stop the friend from joining.
      if (!(error instanceof DomainError) || error.status >= 500) throw error;
      return this.joining.joinByOpenid(openid, { referrer: sender });
    }
  }

  private async acceptAs(share: CouponShare, openid: string): Promise<JoinResponse & { coupon: Coupon }> {
    const sender = await this.members.findInAlliance(share.allianceId, share.fromMemberId);
    if (!sender) throw notFound('转赠');
    if (sender.openid === openid) throw new DomainError('CANNOT_ACCEPT_OWN', 422, '不能领取自己转赠的券');
    this.assertOpen(share);

    const joined = await this.joining.joinByOpenid(openid, { referrer: sender });
    const receiverId = joined.member.id;
    const now = new Date();
    await this.tx.run(async (em) => {
      const taken = await em
        .createQueryBuilder()
        .update(CouponShare)
        .set({ status: 'accepted', acceptedByMemberId: receiverId, acceptedAt: now })
        .where("id = :id AND status = 'open' AND expires_at > :now", { id: share.id, now })
        .execute();
      if (taken.affected !== 1) this.assertOpen(await em.findOneByOrFail(CouponShare, { id: share.id }), now);
      const moved = await em
        .createQueryBuilder()
        .update(CouponRow)
        .set({ memberId: receiverId, status: 'available', receivedFromMemberId: sender.id, updatedAt: now })
        .where("id = :id AND member_id = :sender AND status = 'sharing'", {
          id: share.couponId,
          sender: sender.id,
        })
        .execute();
      if (moved.affected !== 1) throw new DomainError('SHARE_USED', 409, '这张券已经被领走了');
    });
    const found = await this.coupons.get(share.allianceId, share.couponId);
    return { ...joined, coupon: this.coupons.toDto(found!.row, found!.view) };
  }

  /** The alliance a share link belongs to, or null for an unknown link (the policy a friend agrees to). */
  async allianceOfToken(token: string): Promise<string | null> {
    const share = /^[A-Za-z0-9_-]{16,64}$/.test(token) ? await this.shares.findOneBy({ token }) : null;
    return share?.allianceId ?? null;
  }

  /** A closing account takes back every coupon it is forwarding, in the caller's transaction. How many. */
  async cancelAllFrom(em: EntityManager, memberId: string): Promise<number> {
    let cancelled = 0;
    for (const share of await em.findBy(CouponShare, { fromMemberId: memberId, status: 'open' }))
      if (await this.closeShare(em, share, 'cancelled')) cancelled++;
    return cancelled;
  }

  /**
   * Deletes shares that expired or were taken back before `cutoff` (retention: their tokens are dead
   * and their coupons back with the sender). Accepted ones stay: they record who gave a coupon to whom.
   */
  async purgeClosedBefore(cutoff: Date, batchSize = 500): Promise<number> {
    let purged = 0;
    for (;;) {
      const where = { status: In(['expired', 'cancelled'] as const), expiresAt: LessThan(cutoff) };
      const batch = await this.shares.find({ select: { id: true }, where, take: batchSize });
      if (!batch.length) return purged;
      const deleted = await this.tx.run((em) =>
        em.delete(CouponShare, { ...where, id: In(batch.map((s) => s.id)) }),
      );
      purged += deleted.affected ?? 0;
      if (batch.length < batchSize) return purged;
    }
  }

  /** Returns the coupons of shares past their expiry to their senders. */
  async expireDue(now = new Date()): Promise<number> {
    const due = await this.shares.find({
      where: { status: 'open', expiresAt: LessThanOrEqual(now) },
      take: 500,
    });
    for (const share of due) await this.expire(share);
    return due.length;
  }

  private async expire(share: CouponShare): Promise<CouponShare> {
    await this.tx.run((em) => this.closeShare(em, share, 'expired'));
    return this.shares.findOneByOrFail({ id: share.id });
  }

  /** Closes an open share and hands the coupon back to the sender; false when it was not open any more. */
  private async closeShare(
    em: EntityManager,
    share: CouponShare,
    to: 'cancelled' | 'expired',
  ): Promise<boolean> {
    const closed = await em.update(CouponShare, { id: share.id, status: 'open' }, { status: to });
    if (closed.affected !== 1) return false;
    await em.update(
      CouponRow,
      { id: share.couponId, memberId: share.fromMemberId, status: 'sharing' },
      { status: 'available', updatedAt: new Date() },
    );
    return true;
  }

  private assertOpen(share: CouponShare, now = new Date()): void {
    if (share.status === 'accepted') throw new DomainError('SHARE_USED', 409, '这张券已经被领走了');
    if (share.status !== 'open' || share.expiresAt <= now)
      throw new DomainError('SHARE_EXPIRED', 409, '转赠已失效');
  }

  private async findByToken(token: string): Promise<CouponShare> {
    const share = /^[A-Za-z0-9_-]{16,64}$/.test(token) ? await this.shares.findOneBy({ token }) : null;
    if (!share) throw notFound('转赠');
    return share;
  }
}

function viewerOf(share: CouponShare, visitor: Principal | null): ShareViewer {
  if (visitor?.role !== 'member' || visitor.allianceId !== share.allianceId) return 'other';
  if (visitor.id === share.fromMemberId) return 'sender';
  return visitor.id === share.acceptedByMemberId ? 'receiver' : 'other';
}
