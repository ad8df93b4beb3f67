import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Throttle } from '@nestjs/throttler';
import { CurrentPrincipal, Principal, Roles, STAFF_ROLES } from '../common/auth';
import { Idempotent } from '../common/idempotency';
import { RATE_LIMITS } from '../common/throttling';
import { MemberLookupDto } from '../members/dto/member.dto';
import { CounterService } from './counter.service';
import { CreateRedemptionDto } from './dto/redemption.dto';

@ApiTags('staff')
@ApiBearerAuth()
@Controller('staff')
export class CounterController {
  constructor(private readonly counter: CounterService) {}

  /** The member a scanned code names, and the coupons usable at this merchant. */
  @Post('members/lookup')
  @HttpCode(200)
  @Roles(...STAFF_ROLES)
  @Throttle({ default: RATE_LIMITS.codeLookup })
  lookup(@CurrentPrincipal() staff: Principal, @Body() body: MemberLookupDto) {
    return this.counter.lookup(staff, body.memberCode);
  }

  @Post('redemptions')
  @Roles(...STAFF_ROLES)
  @Idempotent({ action: 'redemption', replay: (get, staff, id) => get(CounterService).redemption(staff, id) })
  @Throttle({ default: RATE_LIMITS.codeLookup })
  redeem(@CurrentPrincipal() staff: Principal, @Body() body: CreateRedemptionDto) {
    return this.counter.redeem(staff, body);
  }
}
