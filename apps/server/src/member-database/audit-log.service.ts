import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { AuditAction, AuditLogEntry, Page } from '@allycard/contracts';
import { EntityManager, LessThan, Repository } from 'typeorm';
import type { Principal } from '../common/auth';
import { StaffService } from '../staff/staff.service';
import { AuditLogRow } from './audit-log.entity';
import { ListCursors } from './list-cursor';

/** The audit log: written in the transaction of the action it records, listed newest first. */
@Injectable()
export class AuditLogService {
  constructor(
    @InjectRepository(AuditLogRow) private readonly rows: Repository<AuditLogRow>,
    private readonly staff: StaffService,
    private readonly cursors: ListCursors,
  ) {}

  async record(
    em: EntityManager | null,
    who: Principal,
    entry: {
      action: AuditAction;
      memberId: string | null;
      reason: string | null;
      detail: Record<string, unknown>;
    },
    at = new Date(),
  ): Promise<AuditLogRow> {
    return (em ?? this.rows.manager).save(
      (em ?? this.rows.manager).create(AuditLogRow, {
        allianceId: who.allianceId,
        actorId: who.id,
        actorRole: who.role,
        action: entry.action,
        memberId: entry.memberId,
        reason: entry.reason,
        detail: JSON.stringify(entry.detail),
        createdAt: at,
      }),
    );
  }

  /** Completes a row written at the start of its action with what the action found (its outcome). */
  async setDetail(em: EntityManager, row: AuditLogRow, detail: Record<string, unknown>): Promise<void> {
    await em.update(AuditLogRow, { id: row.id }, { detail: JSON.stringify(detail) });
  }

  get(allianceId: string, id: string): Promise<AuditLogRow | null> {
    return this.rows.findOneBy({ allianceId, id });
  }

  async page(
    who: Principal,
    query: { memberId?: string; limit: number; cursor?: string },
  ): Promise<Page<AuditLogEntry>> {
    const after = query.cursor ? this.cursors.decode(query.cursor, 'audit') : null;
    const rows = await this.rows.find({
      where: {
        allianceId: who.allianceId,
        ...(query.memberId && { memberId: query.memberId }),
        ...(after && { id: LessThan(after.id) }),
      },
      order: { id: 'DESC' },
      take: query.limit + 1,
    });
    const page = rows.slice(0, query.limit);
    const names = await this.staff.usernames(who.allianceId, [...new Set(page.map((r) => r.actorId))]);
    const last = rows.length > query.limit ? page[page.length - 1] : null;
    return {
      items: page.map((r) => ({
        id: r.id,
        at: r.createdAt.toISOString(),
        actor: { id: r.actorId, role: r.actorRole, username: names.get(r.actorId) ?? null },
        action: r.action,
        memberId: r.memberId,
        reason: r.reason,
        detail: JSON.parse(r.detail) as Record<string, unknown>,
      })),
      nextCursor: last ? this.cursors.encode({ sort: 'audit', key: 0, id: last.id }) : null,
    };
  }
}
