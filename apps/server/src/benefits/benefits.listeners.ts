import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import {
  CounterPurchaseRecorded,
  CounterPurchaseVoided,
  OrderPaid,
  OrderRefunded,
  ProfileChanged,
} from '../events/domain-events';
import { InTransaction } from '../events/event-bus';
import { BirthdayGiftsService } from './birthday-gifts.service';
import { SpendGetService } from './spend-get.service';
import { TasksService } from './tasks.service';

/** How benefits/ reacts to other modules' events. */
@Injectable()
export class BenefitsListeners {
  constructor(
    private readonly gifts: BirthdayGiftsService,
    private readonly tasks: TasksService,
    private readonly spendGet: SpendGetService,
  ) {}

  /** A birthday set (or the profile edited) on the birthday itself: the gift at once, once a year. */
  @InTransaction(ProfileChanged)
  async giveBirthdayGift({ member, at }: ProfileChanged, em: EntityManager): Promise<void> {
    await this.gifts.giveIfDue(em, member, at);
  }

  /** Completing the profile or binding a phone: the task's points, once. */
  @InTransaction(ProfileChanged)
  async rewardTasks({ member, at }: ProfileChanged, em: EntityManager): Promise<void> {
    await this.tasks.rewardCompleted(em, member, at);
  }

  /** 满额返券: a paid order of at least a rule's amount gets one coupon (unique per order). */
  @InTransaction(OrderPaid)
  async issueSpendGet({ order, at }: OrderPaid, em: EntityManager): Promise<void> {
    await this.spendGet.onPaid(em, order, at);
  }

  /** A full refund withdraws the spend-and-get coupon if unused; a used one stays, recorded. */
  @InTransaction(OrderRefunded)
  async withdrawSpendGet({ order, at }: OrderRefunded, em: EntityManager): Promise<void> {
    await this.spendGet.onFullRefund(em, order, at);
  }

  /** 满额返券 at the counter: a clerk's purchase of at least a rule's amount (unique per record). */
  @InTransaction(CounterPurchaseRecorded)
  async issueCounterSpendGet({ redemption, at }: CounterPurchaseRecorded, em: EntityManager): Promise<void> {
    await this.spendGet.onCounterRecorded(em, redemption, at);
  }

  /** Voiding the counter record withdraws its coupon if unused; a used one stays, recorded. */
  @InTransaction(CounterPurchaseVoided)
  async withdrawCounterSpendGet({ redemption, at }: CounterPurchaseVoided, em: EntityManager): Promise<void> {
    await this.spendGet.onCounterVoided(em, redemption, at);
  }
}
