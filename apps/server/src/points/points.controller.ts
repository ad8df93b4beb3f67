import { Body, Controller, Get, Put, Query } from '@nestjs/common';
import type { PointsEntry, PointsPolicy, PointsSummary, Tier, TierList } from '@allycard/contracts';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { AlliancesService } from '../alliances/alliances.service';
import { CurrentPrincipal, Principal, Roles } from '../common/auth';
import { HistoryQueryDto, PointsPolicyDto, TiersDto } from './dto/points.dto';
import { PointsService } from './points.service';

@ApiTags('points')
@ApiBearerAuth()
@Controller()
export class PointsController {
  constructor(
    private readonly points: PointsService,
    private readonly alliances: AlliancesService,
  ) {}

  @Get('me/points')
  @Roles('member')
  balance(@CurrentPrincipal() who: Principal): Promise<PointsSummary> {
    return this.points.balance(who);
  }

  @Get('me/points/history')
  @Roles('member')
  history(@CurrentPrincipal() who: Principal, @Query() query: HistoryQueryDto): Promise<PointsEntry[]> {
    return this.points.history(who, query.before);
  }

  @Get('tiers')
  @Roles('member', 'clerk', 'merchant_admin', 'alliance_admin')
  tiers(@CurrentPrincipal() who: Principal): Promise<Tier[]> {
    return this.alliances.tiers(who.allianceId);
  }

  @Put('admin/tiers')
  @Roles('alliance_admin')
  async setTiers(@CurrentPrincipal() who: Principal, @Body() body: TiersDto): Promise<TierList> {
    return { tiers: await this.points.setTiers(who.allianceId, body.tiers) };
  }

  @Get('admin/points-policy')
  @Roles('alliance_admin', 'merchant_admin')
  policy(@CurrentPrincipal() who: Principal): Promise<PointsPolicy> {
    return this.points.policy(who.allianceId);
  }

  @Put('admin/points-policy')
  @Roles('alliance_admin')
  setPolicy(@CurrentPrincipal() who: Principal, @Body() body: PointsPolicyDto): Promise<PointsPolicy> {
    return this.points.setPolicy(who.allianceId, body);
  }
}
