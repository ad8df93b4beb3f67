import { Injectable } from '@nestjs/common';
import type {
  ConsentState,
  Member as MemberDto,
  MemberProfile,
  ReferralRewardNotice,
} from '@allycard/contracts';
import { businessDate, isChinaMobile, normalisePhone, tierProgress } from '@allycard/domain';
import { Principal } from '../common/auth';
import { Clock } from '../common/clock';
import { PhoneCipher } from '../common/crypto';
import { DomainError } from '../common/errors';
import { TransactionRunner } from '../common/transactions';
import { AlliancesService } from '../alliances/alliances.service';
import { ProfileChanged } from '../events/domain-events';
import { EventBus } from '../events/event-bus';
import { WechatClient } from '../wechat/wechat.client';
import { Member } from './member.entity';
import { closedAccount, MembersService } from './members.service';

/** A set birthday may change again only this many months after it was set. */
export const BIRTHDAY_LOCK_MONTHS = 12;
const birthdayLocked = () =>
  new DomainError('BIRTHDAY_LOCKED', 409, `生日设置后 ${BIRTHDAY_LOCK_MONTHS} 个月内不能修改`);

function addMonths(at: Date, months: number): Date {
  const d = new Date(at.getTime());
  d.setUTCMonth(d.getUTCMonth() + months);
  return d;
}

/** The member's own profile: GET /me (with what other modules add to it), PATCH /me, the phone. */
@Injectable()
export class MemberProfileService {
  private couponCounter?: (member: Member) => Promise<number>;
  private consentProvider?: (member: Member) => Promise<ConsentState>;
  private spendProvider?: (member: Member) => Promise<number>;
  private referralRewardProvider?: (member: Member) => Promise<ReferralRewardNotice | null>;

  constructor(
    private readonly members: MembersService,
    private readonly alliances: AlliancesService,
    private readonly wechat: WechatClient,
    private readonly phones: PhoneCipher,
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

  async profile(who: Principal): Promise<MemberProfile> {
    const member = await this.members.get(who);
    const tiers = await this.alliances.tiers(member.allianceId);
    const alliance = await this.alliances.get(member.allianceId);
    return {
      ...this.members.dto(member, tiers),
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
    const member = await this.members.get(who);
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
    return this.members.toDto(updated);
  }

  /** Binds the phone number WeChat vouches for; stored encrypted, answered masked. */
  async bindPhone(who: Principal, code: string): Promise<MemberDto> {
    return this.setPhone(who, await this.wechat.phoneNumber(code));
  }

  /** Stores a phone number someone vouched for (WeChat, or the demo seed), encrypted, with its search hash. */
  async setPhone(who: Principal, number: string): Promise<MemberDto> {
    const member = await this.members.get(who);
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
    return this.members.toDto(updated);
  }
}
