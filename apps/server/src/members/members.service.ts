import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Member as MemberDto } from '@allycard/contracts';
import { makeCardNumber, maskPhone, normalisePhone, TierRule } from '@allycard/domain';
import { EntityManager, In, Repository } from 'typeorm';
import { MemberSessions, Principal, TokenService } from '../common/auth';
import { PhoneCipher, randomDigits } from '../common/crypto';
import { DomainError } from '../common/errors';
import { isId } from '../common/ids';
import { isUniqueViolation, TransactionRunner } from '../common/transactions';
import { AlliancesService } from '../alliances/alliances.service';
import { FirstPurchase, MemberJoined } from '../events/domain-events';
import { EventBus } from '../events/event-bus';
import { QrCodesService } from '../qrcodes/qrcodes.service';
import { WechatClient } from '../wechat/wechat.client';
import { Member } from './member.entity';

/** A join as members/ answers it; the coupons it issued are added by coupons/ (JoiningService). */
export interface Joined {
  token: string;
  member: MemberDto;
  newlyJoined: boolean;
  allianceId: string;
}

/** The answer to a member whose account is closed (or never was). */
export const closedAccount = () => new DomainError('UNAUTHENTICATED', 401, '会员不存在，请重新登录');

/**
 * The member accounts: joining (one per alliance and WeChat user), login, the account's open/closed
 * state, the first purchase, lookups for other modules and the API's view of a member. The standing
 * (points, tier) moves in MemberStandingService, the profile in MemberProfileService.
 */
@Injectable()
export class MembersService implements MemberSessions {
  private readonly logger = new Logger(MembersService.name);
  /** The row AuthGuard read for a request's principal (one principal object per request). */
  private readonly readByGuard = new WeakMap<Principal, Member>();

  constructor(
    @InjectRepository(Member) private readonly members: Repository<Member>,
    private readonly alliances: AlliancesService,
    private readonly qrcodes: QrCodesService,
    private readonly wechat: WechatClient,
    private readonly tokens: TokenService,
    private readonly phones: PhoneCipher,
    private readonly tx: TransactionRunner,
    private readonly events: EventBus,
  ) {}

  /** One-tap join through a wx.login code and, optionally, the scanned scene. */
  async join(input: { code: string; scene?: string }): Promise<Joined> {
    const { openid } = await this.wechat.code2Session(input.code);
    return this.joinByOpenid(openid, { scene: input.scene });
  }

  /**
   * Idempotent per (alliance, openid) however many joins race: the unique key decides, the losers
   * read the winner's member. The source comes from the scene, or from the friend who shared a coupon.
   */
  async joinByOpenid(
    openid: string,
    source: { scene?: string; allianceId?: string; referrer?: Member },
  ): Promise<Joined> {
    const qr = source.scene ? await this.qrcodes.resolve(source.scene) : null;
    if (source.scene && !qr)
      this.logger.warn(`join with unknown scene "${source.scene}": joining without a source`);
    const allianceId =
      source.referrer?.allianceId ??
      source.allianceId ??
      qr?.allianceId ??
      (await this.alliances.defaultAlliance()).id;

    const existing = await this.members.findOneBy({ allianceId, openid });
    if (existing) return this.joinResult(existing, false);

    const base = await this.alliances.baseTier(allianceId);
    for (let attempt = 0; attempt < 5; attempt++) {
      try {
        const member = await this.tx.run(async (em) => {
          const now = new Date();
          const member = await em.save(
            em.create(Member, {
              allianceId,
              openid,
              cardNo: makeCardNumber(randomDigits),
              nickname: null,
              birthday: null,
              birthdaySetAt: null,
              phoneEnc: null,
              phoneHash: null,
              tierCode: base.code,
              tierGrantCode: null,
              tierGrantUntil: null,
              points: 0,
              joinSource: source.referrer ? 'share' : qr ? 'qrcode' : 'direct',
              joinMerchantId: qr?.merchantId ?? null,
              joinStoreId: qr?.storeId ?? null,
              joinCampaign: qr?.campaign ?? null,
              joinQrcodeId: qr?.id ?? null,
              referrerMemberId:
                source.referrer && source.referrer.openid !== openid ? source.referrer.id : null,
              firstPurchaseAt: null,
              joinedAt: now,
              updatedAt: now,
              closedAt: null,
            }),
          );
          await this.events.publish(em, new MemberJoined(member, now));
          return member;
        });
        return this.joinResult(member, true);
      } catch (error) {
        if (isUniqueViolation(error, 'openid')) {
          const winner = await this.members.findOneByOrFail({ allianceId, openid });
          return this.joinResult(winner, false);
        }
        // A random card number collided with another member's: draw again.
        if (isUniqueViolation(error, 'card_no')) continue;
        throw error;
      }
    }
    throw new DomainError('CONFLICT', 409, '入会繁忙，请重试');
  }

  /**
   * Records a purchase (counter or paid order) in the caller's transaction. The first one is decided
   * by a guarded update, so two racing "first" purchases cannot both be first. Returns whether it was.
   */
  async recordPurchase(em: EntityManager, member: Member, at: Date): Promise<boolean> {
    const result = await em
      .createQueryBuilder()
      .update(Member)
      .set({ firstPurchaseAt: at, updatedAt: at })
      .where('id = :id AND alliance_id = :allianceId AND first_purchase_at IS NULL', {
        id: member.id,
        allianceId: member.allianceId,
      })
      .execute();
    const first = result.affected === 1;
    if (first) await this.events.publish(em, new FirstPurchase(member, at));
    return first;
  }

  /**
   * Keeps the member open for the caller's transaction (a claim, an order, a counter purchase): a
   * guarded write on the member row, so on MySQL it waits for a closing account's transaction and
   * then sees it closed; `refusal` (401 for the member itself) when the account is closed.
   */
  async holdOpen(
    em: EntityManager,
    allianceId: string,
    memberId: string,
    at: Date,
    refusal: () => DomainError = closedAccount,
  ): Promise<void> {
    const held = await em
      .createQueryBuilder()
      .update(Member)
      .set({ updatedAt: at })
      .where('id = :id AND alliance_id = :allianceId AND closed_at IS NULL', { id: memberId, allianceId })
      .execute();
    if (held.affected !== 1) throw refusal();
  }

  /**
   * Closes the account in the caller's transaction, first of its effects (on MySQL it locks the row
   * until they are done): the personal data is erased — the openid mapping (so the same WeChat user
   * joins again as a new member), nickname, phone and its hash, birthday — and the row stays for the
   * ledger, orders and settlement, which point at its id. False when it was closed already.
   */
  async closeIn(em: EntityManager, member: Member, at: Date): Promise<boolean> {
    const closed = await em
      .createQueryBuilder()
      .update(Member)
      .set({
        closedAt: at,
        openid: `closed:${member.id}`,
        nickname: null,
        birthday: null,
        phoneEnc: null,
        phoneHash: null,
        tierGrantCode: null,
        tierGrantUntil: null,
        updatedAt: at,
      })
      .where('id = :id AND alliance_id = :allianceId AND closed_at IS NULL', {
        id: member.id,
        allianceId: member.allianceId,
      })
      .execute();
    return closed.affected === 1;
  }

  /**
   * Locks an alliance's member rows — some members, or the ids from ≤ id < to (to null: no upper
   * bound) — in id order in the caller's transaction, on MySQL (SQLite's one writer needs no row
   * locks). The daily stats' refresh and rebuild take it, so two never wait on each other crosswise.
   */
  async lockInIdOrder(
    em: EntityManager,
    allianceId: string,
    members: string[] | { from: string; to: string | null },
  ) {
    if (em.connection.options.type !== 'mysql') return;
    const q = em
      .createQueryBuilder(Member, 'm')
      .select('m.id')
      .where('m.alliance_id = :allianceId', { allianceId })
      .orderBy('m.id')
      .setLock('pessimistic_write');
    if (Array.isArray(members)) q.andWhere('m.id IN (:...ids)', { ids: members });
    else {
      q.andWhere('m.id >= :from', { from: members.from });
      if (members.to !== null) q.andWhere('m.id < :to', { to: members.to });
    }
    await q.getRawMany();
  }

  /**
   * MemberSessions: a closed account's token is dead on every route. The whole row is read, and the
   * handler's first `get` takes it instead of reading it again (one primary-key read per request).
   */
  async isOpen(who: Principal): Promise<boolean> {
    const member = await this.members.findOneBy({ id: who.id, allianceId: who.allianceId });
    if (!member || member.closedAt) return false;
    this.readByGuard.set(who, member);
    return true;
  }

  /**
   * Open members whose birthday falls on `at`'s Shanghai day (29 February ones on the 28th in other
   * years), by id after `afterId`, for the birthday-gift job.
   */
  async birthdaysOn(
    allianceId: string,
    monthDays: string[],
    afterId: string,
    limit: number,
  ): Promise<Member[]> {
    const qb = this.members
      .createQueryBuilder('m')
      .where('m.alliance_id = :allianceId AND m.closed_at IS NULL AND m.id > :afterId', {
        allianceId,
        afterId: Number(afterId),
      })
      .andWhere(`(${monthDays.map((_, i) => `m.birthday LIKE :md${i}`).join(' OR ')})`, {
        ...Object.fromEntries(monthDays.map((md, i) => [`md${i}`, `%-${md}`])),
      })
      .orderBy('m.id', 'ASC')
      .take(limit);
    return qb.getMany();
  }

  /** The member row as the caller's transaction sees it (other modules acting on a member). */
  getIn(em: EntityManager, memberId: string): Promise<Member> {
    return em.findOneByOrFail(Member, { id: memberId });
  }

  /** The keyed hash a phone number is found by, or null when the text cannot be a phone number. */
  phoneHashOf(text: string): string | null {
    const phone = normalisePhone(text);
    return phone ? this.phones.hash(phone) : null;
  }

  /** The member's full phone number (for an operator who gave a reason; the caller audits it). */
  fullPhone(member: Pick<Member, 'phoneEnc'>): string | null {
    return member.phoneEnc ? this.phones.decrypt(member.phoneEnc) : null;
  }

  /** The masked phone, as every answer but a reveal shows it. */
  maskedPhone(member: Pick<Member, 'phoneEnc'>): string | null {
    const phone = this.fullPhone(member);
    return phone ? maskPhone(phone) : null;
  }

  /** Members of the alliance by id, in one query. */
  findManyInAlliance(allianceId: string, memberIds: string[], em?: EntityManager): Promise<Member[]> {
    return memberIds.length
      ? (em?.getRepository(Member) ?? this.members).findBy({ allianceId, id: In(memberIds) })
      : Promise.resolve([]);
  }

  /** A member of the alliance by id, or null (for other modules; never from client input unscoped). */
  findInAlliance(allianceId: string, memberId: string, em?: EntityManager): Promise<Member | null> {
    return isId(memberId)
      ? (em?.getRepository(Member) ?? this.members).findOneBy({ id: memberId, allianceId })
      : Promise.resolve(null);
  }

  /** WeChat login of a returning member: the newest membership of this WeChat user. */
  async login(code: string): Promise<{ token: string; member: MemberDto }> {
    const { openid } = await this.wechat.code2Session(code);
    const [member] = await this.members.find({ where: { openid }, order: { id: 'DESC' }, take: 1 });
    if (!member) throw new DomainError('NOT_A_MEMBER', 404, '你还不是会员，请先入会');
    return { token: this.issueToken(member), member: await this.toDto(member) };
  }

  /** The caller's own member row; ids come from the token only. */
  async get(who: Principal): Promise<Member> {
    const read = this.readByGuard.get(who);
    if (read) {
      // once: a later call in the same request may follow a change the handler made
      this.readByGuard.delete(who);
      return read;
    }
    const member = await this.members.findOneBy({ id: who.id, allianceId: who.allianceId });
    if (!member || member.closedAt) throw closedAccount();
    return member;
  }

  async toDto(member: Member): Promise<MemberDto> {
    return this.dto(member, await this.alliances.tiers(member.allianceId));
  }

  /** The member as the API shows it, with the alliance's tiers at hand. */
  dto(member: Member, tiers: TierRule[]): MemberDto {
    const tier = tiers.find((t) => t.code === member.tierCode) ?? tiers[0];
    return {
      id: member.id,
      cardNo: member.cardNo,
      nickname: member.nickname,
      birthday: member.birthday,
      tier: { code: tier.code, name: tier.name },
      points: member.points,
      joinedAt: member.joinedAt.toISOString(),
      phoneMasked: this.maskedPhone(member),
    };
  }

  issueToken(member: Member): string {
    return this.tokens.issue({ role: 'member', id: member.id, allianceId: member.allianceId });
  }

  private async joinResult(member: Member, newlyJoined: boolean): Promise<Joined> {
    return {
      token: this.issueToken(member),
      member: await this.toDto(member),
      newlyJoined,
      allianceId: member.allianceId,
    };
  }
}
