import { allocateSpend, lotExpiresAt, PointsPolicy } from '@allycard/domain';
import { EntityManager, MoreThan } from 'typeorm';
import { DomainError } from '../common/errors';
import { RetryableConflict } from '../common/transactions';
import type { Member } from '../members/member.entity';
import { PointsLot, PointsLotUse, PointsTransaction } from './points.entities';

/**
 * Takes `points` out of the member's lots, earliest expiry first (or the lots of `preferTxId` first).
 * Lots past their expiry that the job has not swept yet still count: the balance shows them.
 * The balance guard ran before: on MySQL its row lock serialises this member's debits, and the
 * locking read here sees the latest lots; each lot is then taken by a guarded update.
 */
export async function consumeLots(
  em: EntityManager,
  member: Member,
  txId: string,
  points: number,
  preferTxId?: string | null,
) {
  const lots = await em.find(PointsLot, {
    where: { memberId: member.id, remaining: MoreThan(0) },
    ...(em.connection.options.type === 'mysql' && { lock: { mode: 'pessimistic_write' as const } }),
  });
  const preferred = preferTxId ? lots.filter((l) => l.transactionId === preferTxId) : [];
  const rest = lots.filter((l) => !preferred.includes(l));
  const fromPreferred = preferred.length
    ? (allocateSpend(
        preferred,
        Math.min(
          points,
          preferred.reduce((s, l) => s + l.remaining, 0),
        ),
        new Date(0),
      ) ?? [])
    : [];
  const taken = fromPreferred.reduce((s, t) => s + t.points, 0);
  const fromRest = points - taken > 0 ? allocateSpend(rest, points - taken, new Date(0)) : [];
  if (!fromRest) throw new DomainError('INSUFFICIENT_POINTS', 409, '积分不足');
  for (const take of [...fromPreferred, ...fromRest]) {
    const result = await em
      .createQueryBuilder()
      .update(PointsLot)
      .set({ remaining: () => `remaining - ${take.points}` })
      .where('id = :id AND remaining >= :points', { id: take.lotId, points: take.points })
      .execute();
    if (result.affected !== 1) throw new RetryableConflict('a points lot changed during the debit');
    await em.insert(PointsLotUse, { transactionId: txId, lotId: take.lotId, points: take.points });
  }
}

/** The lot an earn of `points` at `at` makes, expiring by the alliance's policy. */
export function newLot(
  member: Pick<Member, 'id' | 'allianceId'>,
  tx: Pick<PointsTransaction, 'id'>,
  merchantId: string | null,
  points: number,
  at: Date,
  policy: PointsPolicy,
) {
  return {
    allianceId: member.allianceId,
    memberId: member.id,
    transactionId: tx.id,
    merchantId,
    points,
    remaining: points,
    expiresAt: lotExpiresAt(at, policy.expiryMonths),
    createdAt: at,
  };
}
