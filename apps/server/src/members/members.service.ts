import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type {
  ConsentState,
  Member as MemberDto,
  MemberCode,
  MemberProfile,
  ReferralRewardNotice,
} from '@allycard/contracts';
import {
  businessDate,
  isChinaMobile,
  issueMemberCode,
  makeCardNumber,
  maskPhone,
  normalisePhone,
  TierGrant,
  tierProgress,
  TierRule,
  verifyMemberCode,
} from '@allycard/domain';
import { EntityManager, In, Repository } from 'typeorm';
import { MemberSessions, Principal, TokenService } from '../common/auth';
import { MemberCodeKey, PhoneCipher, randomDigits } from '../common/crypto';
import { DomainError } from '../common/errors';
import { isUniqueViolation, TransactionRunner } from '../common/transactions';
import { AlliancesService } from '../alliances/alliances.service';
import { QrCodesService } from '../qrcodes/qrcodes.service';
import { EventBus } from '../events/event-bus';
import { FirstPurchase, MemberJoined, ProfileChanged, TierChanged } from '../events/domain-events';
import { Clock } from '../common/clock';
import { WechatClient } from '../wechat/wechat.client';
import { Member, MemberTierChange, TierChangeReason } from './member.entity';
import { isId } from '../common/ids';

/** A join as members/ answers it; the coupons it issued are added by coupons/ (JoiningService). */
export interface Joined {
  token: string;
  member: MemberDto;
  newlyJoined: boolean;
  allianceId: string;
}

/** A staff scan of a code that names no (open) member. */
export const invalidMemberCode = () => new DomainError('CODE_INVALID', 422, '无效的会员码');
const closedAccount = () => new DomainError('UNAUTHENTICATED', 401, '会员不存在，请重新登录');
/** A set birthday may change again only this many months after it was set. */
export const BIRTHDAY_LOCK_MONTHS = 12;
const birthdayLocked = () =>
  new DomainError('BIRTHDAY_LOCKED', 409, `生日设置后 ${BIRTHDAY_LOCK_MONTHS} 个月内不能修改`);

function addMonths(at: Date, months: number): Date {
  const d = new Date(at.getTime());
  d.setUTCMonth(d.getUTCMonth() + months);
  return d;
}

@Injectable()
export class MembersService implements MemberSessions {
  private readonly logger = new Logger(MembersService.name);
  private couponCounter?: (member: Member) => Promise<number>;
  private consentProvider?: (member: Member) => Promise<ConsentState>;
  private spendProvider?: (member: Member) => Promise<number>;
  private referralRewardProvider?: (member: Member) => Promise<ReferralRewardNotice | null>;

  constructor(
    @InjectRepository(Member) private readonly members: Repository<Member>,
    private readonly alliances: AlliancesService,
    private readonly qrcodes: QrCodesService,
    private readonly wechat: WechatClient,
    private readonly tokens: TokenService,
    private readonly phones: PhoneCipher,
    private readonly codeKey: MemberCodeKey,
    private readonly tx: TransactionRunner,
    private readonly events: EventBus,
    private readonly clock: Clock,
  ) {}

  /** Rolling 12-month spend for tier progress (registered by the points module). */
  rollingSpendWith(provider: (member: Member) => Promise<number>): void {
    this.spendProvider = provider;
  }

  /** Counts the member's usable coupons for the profile (registered by the coupons module). */
  countCouponsWith(counter: (member: Member) => Promise<number>): void {
    this.couponCounter = counter;
  }

  /** The newest 拉新 reward to tell the member about (registered by the coupons module). */
  latestReferralRewardWith(provider: (member: Member) => Promise<ReferralRewardNotice | null>): void {
    this.referralRewardProvider = provider;
  }

  /** Whether the member must agree to the current policy (registered by the privacy module). */
  consentStateWith(provider: (member: Member) => Promise<ConsentState>): void {
    this.consentProvider = provider;
  }

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

  /** MemberSessions: a closed account's token is dead on every route. */
  async isOpen(memberId: string, allianceId: string): Promise<boolean> {
    const row = await this.members.findOne({
      select: { id: true, closedAt: true },
      where: { id: memberId, allianceId },
    });
    return !!row && row.closedAt === null;
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

  /**
   * members.points moves only here, by the ledger's postings in the caller's transaction: a debit is
   * guarded, so a balance never goes below zero (409 INSUFFICIENT_POINTS).
   */
  /** movePoints of the same positive `amount` onto many members in one statement (a campaign's batch). */
  async addPointsToMany(
    em: EntityManager,
    allianceId: string,
    memberIds: string[],
    amount: number,
  ): Promise<void> {
    if (!Number.isSafeInteger(amount) || amount <= 0) throw new Error('addPointsToMany: a positive amount');
    if (!memberIds.length) return;
    const result = await em
      .createQueryBuilder()
      .update(Member)
      .set({ points: () => `points + ${amount}` })
      .where('alliance_id = :allianceId AND id IN (:...ids)', { allianceId, ids: memberIds })
      .execute();
    if (result.affected !== new Set(memberIds).size) throw new Error('addPointsToMany: a member is missing');
  }

  async movePoints(em: EntityManager, allianceId: string, memberId: string, amount: number): Promise<void> {
    const qb = em
      .createQueryBuilder()
      .update(Member)
      .set({ points: () => `points + (${amount})` });
    const result =
      amount < 0
        ? await qb
            .where('id = :id AND alliance_id = :allianceId AND points >= :need', {
              id: memberId,
              allianceId,
              need: -amount,
            })
            .execute()
        : await qb.where('id = :id AND alliance_id = :allianceId', { id: memberId, allianceId }).execute();
    if (result.affected !== 1) throw new DomainError('INSUFFICIENT_POINTS', 409, '积分不足');
  }

  /**
   * Moves the member from `change.from` to `change.to` (the tier its rolling spend calls for, points/
   * decides) and records the move; with `guarded`, only while it still holds `from`. Whether it moved.
   */
  async setTier(
    em: EntityManager,
    member: { id: string; allianceId: string },
    change: { from: string; to: string; reason: TierChangeReason; guarded?: boolean },
    at: Date,
  ): Promise<boolean> {
    const moved = await em.update(
      Member,
      { id: member.id, allianceId: member.allianceId, ...(change.guarded && { tierCode: change.from }) },
      { tierCode: change.to, updatedAt: at },
    );
    if (moved.affected !== 1) return false;
    const recorded = await em.insert(MemberTierChange, {
      allianceId: member.allianceId,
      memberId: member.id,
      fromCode: change.from,
      toCode: change.to,
      reason: change.reason,
      createdAt: at,
    });
    const changeId = String(recorded.identifiers[0]?.id);
    await this.events.publish(
      em,
      new TierChanged(member, change.from, change.to, change.reason, changeId, at),
    );
    return true;
  }

  /**
   * An operator's grant: the member holds at least `grant.code` until `grant.until` (the tier rules
   * read it as a floor, packages/domain tierAfterSpendChange), and moves up to it now if below.
   */
  async grantTier(
    em: EntityManager,
    member: Member,
    grant: TierGrant,
    tierCode: string,
    at: Date,
  ): Promise<void> {
    await em.update(
      Member,
      { id: member.id, allianceId: member.allianceId },
      { tierGrantCode: grant.code, tierGrantUntil: grant.until, updatedAt: at },
    );
    if (tierCode !== member.tierCode)
      await this.setTier(
        em,
        member,
        { from: member.tierCode, to: tierCode, reason: 'grant', guarded: true },
        at,
      );
  }

  /** The running grant of a member row, if any (what the tier rules take as a floor). */
  static grantOf(member: Pick<Member, 'tierGrantCode' | 'tierGrantUntil'>): TierGrant | null {
    return member.tierGrantCode && member.tierGrantUntil
      ? { code: member.tierGrantCode, until: member.tierGrantUntil }
      : null;
  }

  /** The tier changes of a member, newest first (its timeline). */
  tierChanges(allianceId: string, memberId: string): Promise<MemberTierChange[]> {
    return this.members.manager.find(MemberTierChange, {
      where: { allianceId, memberId },
      order: { id: 'DESC' },
      take: 200,
    });
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

  async profile(who: Principal): Promise<MemberProfile> {
    const member = await this.get(who);
    const tiers = await this.alliances.tiers(member.allianceId);
    const alliance = await this.alliances.get(member.allianceId);
    return {
      ...this.dto(member, tiers),
      alliance: { name: alliance.name, cardTitle: alliance.cardTitle },
      // Whether first-order coupons still apply (the phone's price preview needs it).
      hasPurchased: member.firstPurchaseAt !== null,
      tierProgress: tierProgress(
        tiers,
        member.tierCode,
        this.spendProvider ? await this.spendProvider(member) : 0,
      ),
      couponCount: this.couponCounter ? await this.couponCounter(member) : 0,
      consent: this.consentProvider
        ? await this.consentProvider(member)
        : { currentVersion: null, acceptedVersion: null, required: false },
      referralReward: this.referralRewardProvider ? await this.referralRewardProvider(member) : null,
    };
  }

  /**
   * PATCH /me. A birthday is a past date from 1900 (by the injected clock); setting it the first time
   * is free, changing a set one within 12 months of setting it is refused — a guarded update, so two
   * racing changes cannot both pass. The change is announced (ProfileChanged) in its transaction.
   */
  async update(who: Principal, patch: { nickname?: string; birthday?: string }): Promise<MemberDto> {
    const member = await this.get(who);
    const now = this.clock.now();
    const changes: Partial<Member> = { updatedAt: now };
    if (patch.nickname !== undefined) changes.nickname = patch.nickname.trim();
    const newBirthday = patch.birthday !== undefined && patch.birthday !== member.birthday;
    if (newBirthday) {
      if (patch.birthday! > businessDate(now) || patch.birthday! < '1900-01-01')
        throw new DomainError('VALIDATION_FAILED', 400, '生日须是 1900 年以后、不晚于今天的日期', [
          { field: 'birthday', message: 'birthday must be a past date from 1900-01-01' },
        ]);
      changes.birthday = patch.birthday;
      changes.birthdaySetAt = now;
    }
    const updated = await this.tx.run(async (em) => {
      const qb = em
        .createQueryBuilder()
        .update(Member)
        .set(changes)
        .where('id = :id AND alliance_id = :allianceId AND closed_at IS NULL', {
          id: member.id,
          allianceId: who.allianceId,
        });
      if (newBirthday)
        qb.andWhere('(birthday IS NULL OR birthday_set_at IS NULL OR birthday_set_at <= :lockedUntil)', {
          lockedUntil: addMonths(now, -BIRTHDAY_LOCK_MONTHS),
        });
      const result = await qb.execute();
      if (result.affected !== 1) {
        if (newBirthday) throw birthdayLocked();
        throw closedAccount();
      }
      const row = await em.findOneByOrFail(Member, { id: member.id });
      await this.events.publish(em, new ProfileChanged(row, now));
      // read again: a listener may have moved the points (a birthday gift, a task's points)
      return em.findOneByOrFail(Member, { id: member.id });
    });
    return this.toDto(updated);
  }

  /** Binds the phone number WeChat vouches for; stored encrypted, answered masked. */
  async bindPhone(who: Principal, code: string): Promise<MemberDto> {
    return this.setPhone(who, await this.wechat.phoneNumber(code));
  }

  /** Stores a phone number someone vouched for (WeChat, or the demo seed), encrypted, with its search hash. */
  async setPhone(who: Principal, number: string): Promise<MemberDto> {
    const member = await this.get(who);
    const phone = normalisePhone(number);
    if (!phone || (!isChinaMobile(phone) && !/^\d{5,20}$/.test(phone))) {
      throw new DomainError('VALIDATION_FAILED', 400, '手机号格式不正确', [
        { field: 'code', message: 'unusable phone number' },
      ]);
    }
    const now = this.clock.now();
    const changes = {
      phoneEnc: this.phones.encrypt(phone),
      phoneHash: this.phones.hash(phone),
      updatedAt: now,
    };
    const updated = await this.tx.run(async (em) => {
      await em.update(Member, { id: member.id, allianceId: who.allianceId }, changes);
      await this.events.publish(em, new ProfileChanged({ ...member, ...changes }, now));
      // a listener may have moved the points (the task of binding a phone)
      return em.findOneByOrFail(Member, { id: member.id });
    });
    return this.toDto(updated);
  }

  async memberCode(who: Principal): Promise<MemberCode> {
    const member = await this.get(who);
    const { code, expiresAt } = issueMemberCode(this.codeKey.mac, member.allianceId, member.id, new Date());
    return { code, expiresAt: expiresAt.toISOString() };
  }

  /** Staff scan: the member a rotating code names, if the code is genuine, fresh and of this alliance. */
  async lookupByCode(staff: Principal, memberCode: string): Promise<Member> {
    const check = verifyMemberCode(
      this.codeKey.mac,
      staff.allianceId,
      memberCode,
      new Date(),
      this.codeKey.equal,
    );
    if (!check.ok) {
      if (check.reason === 'expired')
        throw new DomainError('CODE_EXPIRED', 422, '会员码已过期，请让顾客刷新会员码');
      throw invalidMemberCode();
    }
    const member = await this.members.findOneBy({ id: check.memberId, allianceId: staff.allianceId });
    if (!member || member.closedAt) throw invalidMemberCode();
    return member;
  }

  /** The caller's own member row; ids come from the token only. */
  async get(who: Principal): Promise<Member> {
    const member = await this.members.findOneBy({ id: who.id, allianceId: who.allianceId });
    if (!member || member.closedAt) throw closedAccount();
    return member;
  }

  async toDto(member: Member): Promise<MemberDto> {
    return this.dto(member, await this.alliances.tiers(member.allianceId));
  }

  private dto(member: Member, tiers: TierRule[]): MemberDto {
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
