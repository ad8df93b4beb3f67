import { Body, Controller, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import type {
  AdminMember,
  AdminMemberDetail,
  AuditLogEntry,
  Page,
  PointsBalance,
  RevealedPhone,
} from '@allycard/contracts';
import { ApiBearerAuth, ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { CurrentPrincipal, Principal, Roles } from '../common/auth';
import { validationFailed } from '../common/errors';
import { Idempotent } from '../common/idempotency';
import { TransactionRunner } from '../common/transactions';
import { AuditLogService } from './audit-log.service';
import {
  AuditLogQueryDto,
  MembersQueryDto,
  PhoneRevealDto,
  PointsAdjustmentDto,
  TierGrantDto,
} from './dto/member-database.dto';
import { MemberActionsService } from './member-actions.service';
import { membersCsv } from './members-csv';
import { MemberDetailService } from './member-detail.service';
import { MemberListService } from './member-list.service';
import { readLimit } from './list-cursor';

/** The operator's member database (contract: "Operating the alliance"). */
@ApiTags('admin: members')
@ApiBearerAuth()
@Controller('admin')
export class MembersAdminController {
  constructor(
    private readonly list: MemberListService,
    private readonly detail: MemberDetailService,
    private readonly actions: MemberActionsService,
    private readonly audit: AuditLogService,
    private readonly tx: TransactionRunner,
  ) {}

  /** Search and filter; a merchant admin sees members who joined or bought at its merchant. */
  @Get('members')
  @Roles('alliance_admin', 'merchant_admin')
  @ApiOkResponse({ description: '{items: AdminMember[], nextCursor}' })
  members(@CurrentPrincipal() who: Principal, @Query() query: MembersQueryDto): Promise<Page<AdminMember>> {
    const { limit, cursor, ...filters } = query;
    return this.list.page(who, filters, limit, cursor);
  }

  /** The same list as CSV, streamed in batches; every export is audited. */
  @Get('members.csv')
  @Roles('alliance_admin', 'merchant_admin')
  @ApiProduces('text/csv')
  async membersCsv(
    @CurrentPrincipal() who: Principal,
    @Query() query: MembersQueryDto,
    @Res() res: Response,
  ) {
    const { limit, cursor, ...filters } = query;
    // The export is the whole list: paging it is a mistake worth telling.
    if (limit !== undefined || cursor !== undefined)
      throw validationFailed([
        { field: limit !== undefined ? 'limit' : 'cursor', message: 'the export is not paged' },
      ]);
    await membersCsv(res, who, filters, this.list, this.audit, this.tx);
  }

  @Get('members/:id')
  @Roles('alliance_admin', 'merchant_admin')
  @ApiOkResponse({ description: 'AdminMember plus expiring, spendByMerchant, coupons, referrals, timeline' })
  member(@CurrentPrincipal() who: Principal, @Param('id') id: string): Promise<AdminMemberDetail> {
    return this.detail.detail(who, id);
  }

  @Post('members/:id/tier-grant')
  @HttpCode(200)
  @Roles('alliance_admin')
  tierGrant(
    @CurrentPrincipal() who: Principal,
    @Param('id') id: string,
    @Body() body: TierGrantDto,
  ): Promise<AdminMember> {
    return this.actions.grantTier(who, id, body);
  }

  @Post('members/:id/points-adjustments')
  @Roles('alliance_admin')
  @Idempotent({
    action: 'points-adjust',
    replay: (get, who, id) => get(MemberActionsService).adjustment(who, id),
  })
  adjustPoints(
    @CurrentPrincipal() who: Principal,
    @Param('id') id: string,
    @Body() body: PointsAdjustmentDto,
  ): Promise<PointsBalance> {
    return this.actions.adjustPoints(who, id, body);
  }

  @Post('members/:id/phone-reveal')
  @HttpCode(200)
  @Roles('alliance_admin')
  @ApiOkResponse({ description: '{phone}: the full number; the reason goes to the audit log' })
  revealPhone(
    @CurrentPrincipal() who: Principal,
    @Param('id') id: string,
    @Body() body: PhoneRevealDto,
  ): Promise<RevealedPhone> {
    return this.actions.revealPhone(who, id, body.reason);
  }

  @Get('audit-log')
  @Roles('alliance_admin')
  @ApiOkResponse({ description: '{items: AuditLogEntry[], nextCursor}, newest first' })
  auditLog(
    @CurrentPrincipal() who: Principal,
    @Query() query: AuditLogQueryDto,
  ): Promise<Page<AuditLogEntry>> {
    return this.audit.page(who, {
      memberId: query.memberId,
      limit: readLimit(query.limit),
      cursor: query.cursor,
    });
  }
}
