/** The member database (apps/server/src/member-database/members-admin.controller.ts), typed. */
import type {
  AdminMember,
  AdminMemberDetail,
  AdminMemberSort,
  AuditLogEntry,
  Lifecycle,
  Page,
  PointsAdjustmentBody,
  TierGrantBody,
} from '@allycard/contracts';
import { call } from './client';

export interface MemberQuery {
  q?: string;
  tier?: string;
  lifecycle?: Lifecycle;
  joinMerchantId?: string;
  joinedFrom?: string;
  joinedTo?: string;
  sort?: AdminMemberSort;
}

/** `?a=1&b=2` of the given values, leaving out what is unset or blank. */
export function queryString(params: Record<string, string | undefined>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value) search.set(key, value);
  const text = search.toString();
  return text ? `?${text}` : '';
}

const id = (value: string) => encodeURIComponent(value);

export const membersApi = {
  list: (query: MemberQuery, cursor?: string) =>
    call<Page<AdminMember>>('GET', `/admin/members${queryString({ ...query, cursor })}`),
  /** The whole filtered list as CSV text (UTF-8, with the header row); the server audits the export. */
  csv: (query: MemberQuery) => call<string>('GET', `/admin/members.csv${queryString({ ...query })}`),
  detail: (memberId: string) => call<AdminMemberDetail>('GET', `/admin/members/${id(memberId)}`),
  grantTier: (memberId: string, body: TierGrantBody) =>
    call<AdminMember>('POST', `/admin/members/${id(memberId)}/tier-grant`, body),
  adjustPoints: (memberId: string, body: PointsAdjustmentBody, idempotencyKey: string) =>
    call<{ balance: number }>('POST', `/admin/members/${id(memberId)}/points-adjustments`, body, {
      'idempotency-key': idempotencyKey,
    }),
  revealPhone: (memberId: string, reason: string) =>
    call<{ phone: string }>('POST', `/admin/members/${id(memberId)}/phone-reveal`, { reason }),
  auditLog: (cursor?: string, memberId?: string) =>
    call<Page<AuditLogEntry>>('GET', `/admin/audit-log${queryString({ cursor, memberId })}`),
};
