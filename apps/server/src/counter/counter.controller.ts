import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type {
  CounterRecord,
  CounterRecordList,
  MemberLookupResponse,
  Redemption,
  StaffMe,
} from '@allycard/contracts';
import { Throttle } from '@nestjs/throttler';
import { CurrentPrincipal, Principal, Roles, STAFF_ROLES } from '../common/auth';
import { Idempotent } from '../common/idempotency';
import { RATE_LIMITS } from '../common/throttling';
import { MemberLookupDto } from '../members/dto/member.dto';
import { validationFailed } from '../common/errors';
import { CounterRecordsService } from './counter-records.service';
import { CounterVoidService } from './counter-void.service';
import { CounterService } from './counter.service';
import { CreateRedemptionDto, VoidRedemptionDto } from './dto/redemption.dto';
import { IdParam } from '../common/ids';

@ApiTags('staff')
@ApiBearerAuth()
@Controller('staff')
export class CounterController {
  constructor(
    private readonly counter: CounterService,
    private readonly voids: CounterVoidService,
    private readonly records: CounterRecordsService,
  ) {}

  /** Who is signed in at the counter, and the merchant (store) it works for. */
  @Get('me')
  @Roles(...STAFF_ROLES)
  @ApiOperation({ summary: 'the signed-in staff account and its merchant' })
  me(@CurrentPrincipal() staff: Principal): Promise<StaffMe> {
    return this.records.me(staff);
  }

  /** Today's counter records of the merchant (Asia/Shanghai business day), newest first. */
  @Get('redemptions')
  @Roles(...STAFF_ROLES)
  @ApiOperation({ summary: "today's counter records of the staff's merchant, with what may still be voided" })
  @ApiQuery({ name: 'day', required: false, enum: ['today'] })
  list(@CurrentPrincipal() staff: Principal, @Query('day') day?: unknown): Promise<CounterRecordList> {
    if (day !== undefined && day !== 'today')
      throw validationFailed([{ field: 'day', message: 'day must be "today"' }], '只能查看今天的记录');
    return this.records.today(staff);
  }

  /**
   * Voids a counter record of this merchant: a clerk within 30 minutes, the merchant admin within 7
   * days. Points, tier spend, coupon, settlement and the day's total are reversed in one transaction.
   */
  @Post('redemptions/:id/void')
  @HttpCode(200)
  @Roles(...STAFF_ROLES)
  @Throttle({ default: RATE_LIMITS.codeLookup })
  @ApiOperation({
    summary:
      'void a counter record (403 APPROVAL_REQUIRED past the clerk window, 409 ALREADY_VOIDED / VOID_WINDOW_PASSED)',
  })
  @ApiOkResponse({ description: 'the record, now voided' })
  async void(
    @CurrentPrincipal() staff: Principal,
    @IdParam('id', '记录') id: string,
    @Body() body: VoidRedemptionDto,
  ): Promise<CounterRecord> {
    const row = await this.voids.void(staff, id, body.reason.trim());
    return this.records.one(staff, row);
  }

  /** The member a scanned code names, and the coupons usable at this merchant. */
  @Post('members/lookup')
  @HttpCode(200)
  @Roles(...STAFF_ROLES)
  @Throttle({ default: RATE_LIMITS.codeLookup })
  lookup(@CurrentPrincipal() staff: Principal, @Body() body: MemberLookupDto): Promise<MemberLookupResponse> {
    return this.counter.lookup(staff, body.memberCode);
  }

  @Post('redemptions')
  @Roles(...STAFF_ROLES)
  @Idempotent({ action: 'redemption', replay: (get, staff, id) => get(CounterService).redemption(staff, id) })
  @Throttle({ default: RATE_LIMITS.codeLookup })
  redeem(@CurrentPrincipal() staff: Principal, @Body() body: CreateRedemptionDto): Promise<Redemption> {
    return this.counter.redeem(staff, body);
  }
}
