import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { BenefitTask } from '@allycard/contracts';
import { EntityManager, Repository } from 'typeorm';
import { isUniqueViolation } from '../common/transactions';
import type { Member } from '../members/member.entity';
import { LedgerService } from '../points/ledger.service';
import { BenefitRulesService } from './benefit-rules';
import { BenefitSettingsRow, TaskCode, TaskCompletion } from './benefit.entities';

const TASKS: {
  code: TaskCode;
  title: string;
  points: (s: BenefitSettingsRow) => number;
  done: (m: Member) => boolean;
}[] = [
  {
    code: 'profile',
    title: '完善资料（昵称和生日）',
    points: (s) => s.profileTaskPoints,
    done: (m) => !!m.nickname?.trim() && !!m.birthday,
  },
  { code: 'phone', title: '绑定手机号', points: (s) => s.phoneTaskPoints, done: (m) => !!m.phoneEnc },
];

/** Points once per member for completing the profile and for binding a phone (unique per member, task). */
@Injectable()
export class TasksService {
  constructor(
    @InjectRepository(TaskCompletion) private readonly completions: Repository<TaskCompletion>,
    private readonly rules: BenefitRulesService,
    private readonly ledger: LedgerService,
  ) {}

  /** In the profile change's transaction: the points of every task the member has just completed. */
  async rewardCompleted(em: EntityManager, member: Member, at: Date): Promise<TaskCompletion[]> {
    const settings = await this.rules.settingsOf(member.allianceId, em);
    if (!settings || member.closedAt) return [];
    const given: TaskCompletion[] = [];
    for (const task of TASKS) {
      const points = task.points(settings);
      if (points <= 0 || !task.done(member)) continue;
      let id: string;
      try {
        const inserted = await em.insert(TaskCompletion, {
          allianceId: member.allianceId,
          memberId: member.id,
          task: task.code,
          points,
          createdAt: at,
        });
        id = String(inserted.identifiers[0].id);
      } catch (error) {
        if (isUniqueViolation(error, 'task_completions')) continue;
        throw error;
      }
      await this.ledger.earn(em, member, points, { kind: 'reward', type: 'task', id, merchantId: null }, at);
      given.push({
        id,
        allianceId: member.allianceId,
        memberId: member.id,
        task: task.code,
        points,
        createdAt: at,
      });
    }
    return given;
  }

  /** The tasks with their points and whether the member has done them (the 会员权益 page). */
  async tasksOf(member: Member, settings: BenefitSettingsRow | null): Promise<BenefitTask[]> {
    const done = new Map(
      (await this.completions.findBy({ memberId: member.id, allianceId: member.allianceId })).map((c) => [
        c.task,
        c,
      ]),
    );
    return TASKS.filter((t) => done.has(t.code) || (settings && t.points(settings) > 0)).map((t) => ({
      code: t.code,
      title: t.title,
      points: done.get(t.code)?.points ?? (settings ? t.points(settings) : 0),
      done: done.has(t.code),
    }));
  }
}
