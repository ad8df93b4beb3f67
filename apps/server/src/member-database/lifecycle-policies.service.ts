import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DEFAULT_LIFECYCLE_POLICY, type LifecyclePolicy } from '@allycard/domain';
import { Repository } from 'typeorm';
import { Clock } from '../common/clock';
import { validationFailed } from '../common/errors';
import { TransactionRunner } from '../common/transactions';
import { LifecyclePolicyRow } from './lifecycle-policy.entity';

/** Longest threshold an operator may set: ten years. */
export const MAX_LIFECYCLE_DAYS = 3650;

/** The days a member's lifecycle label turns at, per alliance: the member list and segments read them. */
@Injectable()
export class LifecyclePolicies {
  constructor(
    @InjectRepository(LifecyclePolicyRow) private readonly rows: Repository<LifecyclePolicyRow>,
    private readonly tx: TransactionRunner,
    private readonly clock: Clock,
  ) {}

  async get(allianceId: string): Promise<LifecyclePolicy> {
    const row = await this.rows.findOneBy({ allianceId });
    return row
      ? { newDays: row.newDays, dormantDays: row.dormantDays, lostDays: row.lostDays }
      : { ...DEFAULT_LIFECYCLE_POLICY };
  }

  /** Replaces the policy; the order newDays < dormantDays < lostDays is what makes the labels meaningful. */
  async put(allianceId: string, policy: LifecyclePolicy): Promise<LifecyclePolicy> {
    if (policy.dormantDays <= policy.newDays)
      throw validationFailed([{ field: 'dormantDays', message: 'dormantDays must be greater than newDays' }]);
    if (policy.lostDays <= policy.dormantDays)
      throw validationFailed([{ field: 'lostDays', message: 'lostDays must be greater than dormantDays' }]);
    const row = { allianceId, ...policy, updatedAt: this.clock.now() };
    await this.tx.run((em) => em.upsert(LifecyclePolicyRow, row, ['allianceId']));
    return this.get(allianceId);
  }
}
