import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { ProfileChanged } from '../events/domain-events';
import { InTransaction } from '../events/event-bus';
import { BirthdayGiftsService } from './birthday-gifts.service';
import { TasksService } from './tasks.service';

/** How benefits/ reacts to other modules' events. */
@Injectable()
export class BenefitsListeners {
  constructor(
    private readonly gifts: BirthdayGiftsService,
    private readonly tasks: TasksService,
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
}
