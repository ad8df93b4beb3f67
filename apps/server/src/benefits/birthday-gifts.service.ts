import { Injectable, Logger } from '@nestjs/common';
import { birthdaysFallingOn, businessYear, isBirthday } from '@allycard/domain';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { AlliancesService } from '../alliances/alliances.service';
import { Clock } from '../common/clock';
import { DomainError } from '../common/errors';
import { isUniqueViolation, TransactionRunner } from '../common/transactions';
import { CouponTemplatesService } from '../coupons/coupon-templates.service';
import { CouponIssuingService } from '../coupons/coupon-issuing.service';
import type { Member } from '../members/member.entity';
import { MembersService } from '../members/members.service';
import { LedgerService } from '../points/ledger.service';
import { BenefitRulesService } from './benefit-rules';
import { BirthdayGift } from './benefit.entities';

const BATCH = 500;

/**
 * The birthday gift: a coupon of the alliance's chosen template and/or points, once per member and
 * Shanghai year. The unique key (member, year) decides who gives it — the daily job at the day's
 * start or a PATCH /me that sets today's birthday later that day — never a read-then-write check.
 */
@Injectable()
export class BirthdayGiftsService {
  private readonly logger = new Logger(BirthdayGiftsService.name);

  constructor(
    @InjectRepository(BirthdayGift) private readonly gifts: Repository<BirthdayGift>,
    private readonly rules: BenefitRulesService,
    private readonly members: MembersService,
    private readonly templates: CouponTemplatesService,
    private readonly couponIssuing: CouponIssuingService,
    private readonly ledger: LedgerService,
    private readonly alliances: AlliancesService,
    private readonly clock: Clock,
    private readonly tx: TransactionRunner,
  ) {}

  /**
   * Gives this year's gift in the caller's transaction when `at` is the member's birthday and the
   * alliance has a gift; null when not due or already given. The caller holds the member row first
   * (an update of it), so on MySQL a job run and a PATCH /me for one member queue on that row
   * instead of deadlocking between it and the gift's key.
   */
  async giveIfDue(em: EntityManager, member: Member, at: Date): Promise<BirthdayGift | null> {
    if (member.closedAt || !isBirthday(member.birthday, at)) return null;
    const settings = await this.rules.settingsOf(member.allianceId, em);
    if (!settings?.birthdayEnabled) return null;
    const year = businessYear(at);
    let giftId: string;
    try {
      const inserted = await em.insert(BirthdayGift, {
        allianceId: member.allianceId,
        memberId: member.id,
        year,
        couponId: null,
        points: settings.birthdayPoints,
        createdAt: at,
      });
      giftId = String(inserted.identifiers[0].id);
    } catch (error) {
      if (isUniqueViolation(error, 'birthday_gifts')) return null;
      throw error;
    }
    let couponId: string | null = null;
    if (settings.birthdayCouponTemplateId) {
      const template = await this.templates.templateIn(
        em,
        member.allianceId,
        settings.birthdayCouponTemplateId,
      );
      const coupon = template && (await this.couponIssuing.issue(em, template, member, 'birthday'));
      if (coupon) couponId = coupon.id;
      else
        this.logger.warn(
          `birthday template ${settings.birthdayCouponTemplateId} issued nothing (stock, status)`,
        );
    }
    if (settings.birthdayPoints > 0)
      await this.ledger.earn(
        em,
        member,
        settings.birthdayPoints,
        { kind: 'reward', type: 'birthday_gift', id: giftId, merchantId: null },
        at,
      );
    if (couponId) await em.update(BirthdayGift, { id: giftId }, { couponId });
    return {
      id: giftId,
      allianceId: member.allianceId,
      memberId: member.id,
      year,
      couponId,
      points: settings.birthdayPoints,
      createdAt: at,
    };
  }

  /** This year's gift of the member, if given. */
  thisYears(member: Member, at: Date, em?: EntityManager): Promise<BirthdayGift | null> {
    const repo = em ? em.getRepository(BirthdayGift) : this.gifts;
    return repo.findOneBy({ memberId: member.id, year: businessYear(at) });
  }

  /**
   * The daily run (and the run after an operator turns the gift on): every open member of the
   * alliance(s) whose birthday is today, each in its own transaction. A rerun gives nothing more.
   */
  async issueDue(now = this.clock.now(), allianceId?: string): Promise<number> {
    const allianceIds = allianceId ? [allianceId] : (await this.alliances.findAll()).map((a) => a.id);
    let given = 0;
    for (const id of allianceIds) {
      const settings = await this.rules.settingsOf(id);
      if (!settings?.birthdayEnabled) continue;
      let afterId = '0';
      for (;;) {
        const batch = await this.members.birthdaysOn(id, birthdaysFallingOn(now), afterId, BATCH);
        for (const m of batch) {
          try {
            const gift = await this.tx.run(async (em) => {
              await this.members.holdOpen(em, id, m.id, now);
              return this.giveIfDue(em, await this.members.getIn(em, m.id), now);
            });
            if (gift) given++;
          } catch (error) {
            // the member closed the account meanwhile: no gift, the rest go on
            if (!(error instanceof DomainError)) throw error;
          }
        }
        if (batch.length < BATCH) break;
        afterId = batch[batch.length - 1].id;
      }
    }
    if (given) this.logger.log(`gave ${given} birthday gifts`);
    return given;
  }
}
