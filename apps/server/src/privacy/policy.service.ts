import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { ConsentRecord, ConsentState, PrivacyPolicy, PublishPolicyRequest } from '@allycard/contracts';
import { EntityManager, Repository } from 'typeorm';
import type { Principal } from '../common/auth';
import { DomainError, notFound } from '../common/errors';
import { isUniqueViolation, TransactionRunner } from '../common/transactions';
import { AlliancesService } from '../alliances/alliances.service';
import { SharingService } from '../coupons/sharing.service';
import { AuditLogService } from '../member-database/audit-log.service';
import type { Member } from '../members/member.entity';
import { MembersService } from '../members/members.service';
import { MemberProfileService } from '../members/member-profile.service';
import { QrCodesService } from '../qrcodes/qrcodes.service';
import { MemberConsent, PolicyVersion } from './policy.entities';

const outdated = (current: number | null) =>
  new DomainError('POLICY_OUTDATED', 409, '协议已更新，请阅读后重新同意', { currentVersion: current });

/**
 * The alliance's 用户协议 and 隐私政策, versioned together, and who agreed to which version when. A
 * member whose accepted version is older than the current one must agree again (GET /me: consent).
 */
@Injectable()
export class PolicyService implements OnModuleInit {
  constructor(
    @InjectRepository(PolicyVersion) private readonly versions: Repository<PolicyVersion>,
    @InjectRepository(MemberConsent) private readonly consents: Repository<MemberConsent>,
    private readonly alliances: AlliancesService,
    private readonly qrcodes: QrCodesService,
    private readonly sharing: SharingService,
    private readonly members: MembersService,
    private readonly profiles: MemberProfileService,
    private readonly audit: AuditLogService,
    private readonly tx: TransactionRunner,
  ) {}

  onModuleInit() {
    this.profiles.consentStateWith((member) => this.consentState(member));
  }

  /**
   * The alliance a visitor is about to join: a friend's share link's, the scanned scene's, or the
   * default one.
   */
  async allianceForVisitor(visit: { scene?: string; shareToken?: string }): Promise<string> {
    const shared = visit.shareToken ? await this.sharing.allianceOfToken(visit.shareToken) : null;
    if (shared) return shared;
    const qr = visit.scene ? await this.qrcodes.resolve(visit.scene) : null;
    return qr?.allianceId ?? (await this.alliances.defaultAlliance()).id;
  }

  async current(allianceId: string): Promise<PolicyVersion | null> {
    const [latest] = await this.versions.find({ where: { allianceId }, order: { version: 'DESC' }, take: 1 });
    return latest ?? null;
  }

  async currentOrFail(allianceId: string): Promise<PrivacyPolicy> {
    const latest = await this.current(allianceId);
    if (!latest) throw notFound('协议');
    return toDto(latest);
  }

  /** Publishes the texts as the next version; two racing publishes get distinct versions. */
  async publish(
    who: Principal | null,
    allianceId: string,
    body: PublishPolicyRequest,
  ): Promise<PrivacyPolicy> {
    for (let attempt = 0; attempt < 5; attempt++) {
      try {
        const saved = await this.tx.run(async (em) => {
          const latest = await em.findOne(PolicyVersion, {
            where: { allianceId },
            order: { version: 'DESC' },
          });
          const now = new Date();
          const row = await em.save(
            em.create(PolicyVersion, {
              allianceId,
              version: (latest?.version ?? 0) + 1,
              termsTitle: body.terms.title.trim(),
              termsBody: body.terms.body,
              privacyTitle: body.privacy.title.trim(),
              privacyBody: body.privacy.body,
              publishedBy: who?.id ?? null,
              publishedAt: now,
            }),
          );
          if (who)
            await this.audit.record(
              em,
              who,
              {
                action: 'privacy_policy_publish',
                memberId: null,
                reason: null,
                detail: { version: row.version },
              },
              now,
            );
          return row;
        });
        return toDto(saved);
      } catch (error) {
        if (!isUniqueViolation(error, 'version')) throw error;
      }
    }
    throw new DomainError('CONFLICT', 409, '发布繁忙，请重试');
  }

  async consentState(member: Pick<Member, 'id' | 'allianceId'>): Promise<ConsentState> {
    const latest = await this.current(member.allianceId);
    const [accepted] = await this.consents.find({
      where: { memberId: member.id },
      order: { version: 'DESC' },
      take: 1,
    });
    const acceptedVersion = accepted?.version ?? null;
    return {
      currentVersion: latest?.version ?? null,
      acceptedVersion,
      required: !!latest && (acceptedVersion ?? 0) < latest.version,
    };
  }

  /**
   * Checked before a join that names a version: only the current one is agreed to (a page opened
   * before a new version was published must show the new text first). Nothing is stored yet.
   */
  async assertCurrent(allianceId: string, version: number): Promise<void> {
    const latest = await this.current(allianceId);
    if (latest?.version !== version) throw outdated(latest?.version ?? null);
  }

  /** The member agrees to `version` (the current one), once: a repeat is a no-op. */
  async accept(
    member: Pick<Member, 'id' | 'allianceId'>,
    version: number,
    em?: EntityManager,
  ): Promise<ConsentState> {
    await this.assertCurrent(member.allianceId, version);
    try {
      await (em ?? this.consents.manager).insert(MemberConsent, {
        allianceId: member.allianceId,
        memberId: member.id,
        version,
        acceptedAt: new Date(),
      });
    } catch (error) {
      if (!isUniqueViolation(error, 'version')) throw error;
    }
    return this.consentState(member);
  }

  /** The consent a join carried, recorded right after it (POST /join with policyVersion). */
  async acceptAtJoin(memberId: string, version: number): Promise<void> {
    await this.accept(await this.members.getIn(this.consents.manager, memberId), version);
  }

  async acceptAsMember(who: Principal, version: number): Promise<ConsentState> {
    return this.accept(await this.members.get(who), version);
  }

  async consentsOf(memberId: string): Promise<ConsentRecord[]> {
    const rows = await this.consents.find({ where: { memberId }, order: { version: 'ASC' } });
    return rows.map((r) => ({ version: r.version, acceptedAt: r.acceptedAt.toISOString() }));
  }
}

function toDto(row: PolicyVersion): PrivacyPolicy {
  return {
    version: row.version,
    terms: { title: row.termsTitle, body: row.termsBody },
    privacy: { title: row.privacyTitle, body: row.privacyBody },
    publishedAt: row.publishedAt.toISOString(),
  };
}
