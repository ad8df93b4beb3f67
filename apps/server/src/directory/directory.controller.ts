import { Controller, Get, Query } from '@nestjs/common';
import type { Merchant } from '@allycard/contracts';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Principal, Roles } from '../common/auth';
import { DirectoryService } from './directory.service';

@ApiTags('merchants')
@ApiBearerAuth()
@Controller()
export class DirectoryController {
  constructor(private readonly directory: DirectoryService) {}

  /**
   * The alliance's merchants with their stores. `?with=benefits` adds, for a member, what the card
   * gives at each: asked for by the 联盟商户 page only, since it reads the member's coupons, offers and
   * tier, which the many pages that only want merchant names need not pay for.
   */
  @Get('merchants')
  @Roles('member', 'clerk', 'merchant_admin', 'alliance_admin')
  list(@CurrentPrincipal() who: Principal, @Query('with') include?: unknown): Promise<Merchant[]> {
    return this.directory.list(who, { benefits: include === 'benefits' });
  }
}
