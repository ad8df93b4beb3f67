import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, LessThan, LessThanOrEqual, MoreThan, Repository } from 'typeorm';
import type { TierRule } from '@allycard/domain';
import { Principal } from '../common/auth';
import { validationFailed } from '../common/errors';
import { readStoredTime } from '../database/columns';
import { forgetRead, TransactionRunner } from '../common/transactions';
import { MembersService } from '../members/members.service';
import { MerchantsService } from '../merchants/merchants.service';
import { LedgerService, policyKey } from './ledger.service';
import { PointsLot, PointsPolicyRow, PointsPosting, PointsTransaction } from './points.entities';
import { TiersService } from './tiers.service';

const EXPIRING_WINDOW_MS = 90 * 86_400_000;
const HISTORY_PAGE = 50;

/** What members and admins see of points: balances, expiring lots, history, policy, tiers. */
@Injectable()
export class PointsService {
  constructor(
    @InjectRepository(PointsLot) private readonly lots: Repository<PointsLot>,
    @InjectRepository(PointsPosting) private readonly postings: Repository<PointsPosting>,
    @InjectRepository(PointsTransaction) private readonly transactions: Repository<PointsTransaction>,
    private readonly ledger: LedgerService,
    private readonly tiers: TiersService,
    private readonly members: MembersService,
    private readonly merchants: MerchantsService,
    private readonly tx: TransactionRunner,
  ) {}

  async balance(who: Principal) {
    const member = await this.members.get(who);
    const now = new Date();
    const soon = await this.lots.find({
      where: {
        memberId: member.id,
        remaining: MoreThan(0),
        expiresAt: LessThanOrEqual(new Date(now.getTime() + EXPIRING_WINDOW_MS)),
      },
      order: { expiresAt: 'ASC' },
    });
    const byDate = new Map<string, number>();
    for (const lot of soon.filter((l) => l.expiresAt > now)) {
      const key = lot.expiresAt.toISOString();
      byDate.set(key, (byDate.get(key) ?? 0) + lot.remaining);
    }
    const policy = await this.ledger.policy(who.allianceId);
    return {
      balance: member.points,
      valueFen: member.points * policy.pointValueFen,
      expiring: [...byDate].map(([expiresAt, points]) => ({ points, expiresAt })),
    };
  }

  /** Postings of the member's account, newest first, with where each was earned or spent. */
  async history(who: Principal, before?: string) {
    const member = await this.members.get(who);
    const rows = await this.postings.find({
      where: {
        allianceId: who.allianceId,
        accountKind: 'member',
        ownerId: member.id,
        ...(before && { id: LessThan(before) }),
      },
      order: { id: 'DESC' },
      take: HISTORY_PAGE,
    });
    const txs = rows.length
      ? await this.transactions.findBy({ id: In(rows.map((r) => r.transactionId)) })
      : [];
    const merchants = new Map((await this.merchants.list(who.allianceId)).map((m) => [m.id, m.name]));
    return rows.map((p) => {
      const t = txs.find((x) => x.id === p.transactionId)!;
      return {
        id: p.id,
        kind: t.kind,
        points: p.amount,
        source: t.sourceType,
        merchantId: t.merchantId,
        merchantName: t.merchantId ? (merchants.get(t.merchantId) ?? null) : null,
        createdAt: p.createdAt.toISOString(),
      };
    });
  }

  /**
   * Members with unspent points expiring in (from, to]: how many and the earliest expiry, after
   * `afterMemberId` in id order (the 积分清零 reminder of messages/ reads them in batches).
   */
  async expiringBetween(
    from: Date,
    to: Date,
    afterMemberId: string,
    take: number,
  ): Promise<{ allianceId: string; memberId: string; points: number; expiresAt: Date }[]> {
    const rows = await this.lots
      .createQueryBuilder('l')
      .select('l.alliance_id', 'allianceId')
      .addSelect('l.member_id', 'memberId')
      .addSelect('SUM(l.remaining)', 'points')
      .addSelect('MIN(l.expires_at)', 'expiresAt')
      .where('l.remaining > 0 AND l.expires_at > :from AND l.expires_at <= :to AND l.member_id > :after', {
        from,
        to,
        after: Number(afterMemberId),
      })
      .groupBy('l.alliance_id')
      .addGroupBy('l.member_id')
      .orderBy('l.member_id', 'ASC')
      .limit(take)
      .getRawMany<{ allianceId: unknown; memberId: unknown; points: unknown; expiresAt: Date | string }>();
    return rows.map((r) => ({
      allianceId: String(r.allianceId),
      memberId: String(r.memberId),
      points: Number(r.points),
      expiresAt: readStoredTime(r.expiresAt),
    }));
  }

  policy(allianceId: string) {
    return this.ledger.policy(allianceId);
  }

  async setPolicy(
    allianceId: string,
    input: { earnFenPerPoint: number; pointValueFen: number; expiryMonths: number },
  ) {
    await this.tx.run(async (em) => {
      const exists = await em.findOneBy(PointsPolicyRow, { allianceId });
      const row = { ...input, updatedAt: new Date() };
      if (exists) await em.update(PointsPolicyRow, { allianceId }, row);
      else await em.insert(PointsPolicyRow, { allianceId, ...row });
      forgetRead(em, policyKey(allianceId));
    });
    return this.ledger.policy(allianceId);
  }

  async setTiers(allianceId: string, ladder: TierRule[]) {
    const problems = [];
    const codes = new Set(ladder.map((t) => t.code));
    if (codes.size !== ladder.length) problems.push({ field: 'tiers', message: 'tier codes must be unique' });
    if (new Set(ladder.map((t) => t.minSpendFen)).size !== ladder.length)
      problems.push({ field: 'tiers', message: 'minSpendFen must differ between tiers' });
    if (!ladder.some((t) => t.minSpendFen === 0))
      problems.push({ field: 'tiers', message: 'one tier must have minSpendFen 0 (the base tier)' });
    if (problems.length) throw validationFailed(problems, '会员等级设置有误');
    return this.tiers.setTiers(allianceId, ladder);
  }
}
