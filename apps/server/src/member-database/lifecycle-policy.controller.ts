import { Body, Controller, Get, Put } from '@nestjs/common';
import type { LifecycleCounts, LifecyclePolicy } from '@allycard/contracts';
import { ApiBearerAuth, ApiProperty, ApiTags } from '@nestjs/swagger';
import { IsInt, Max, Min } from 'class-validator';
import { CurrentPrincipal, Principal, Roles } from '../common/auth';
import { Clock } from '../common/clock';
import { LifecyclePolicies, MAX_LIFECYCLE_DAYS } from './lifecycle-policies.service';
import { MemberQuery } from './member-query';

export class LifecyclePolicyDto {
  @ApiProperty({ example: 30, description: 'a first purchase within this many days is `new`' })
  @IsInt()
  @Min(1)
  @Max(MAX_LIFECYCLE_DAYS)
  newDays: number;

  @ApiProperty({ example: 60, description: 'a last purchase within this many days is `active`' })
  @IsInt()
  @Min(2)
  @Max(MAX_LIFECYCLE_DAYS)
  dormantDays: number;

  @ApiProperty({
    example: 180,
    description: 'a last purchase within this many days is `dormant`, older `lost`',
  })
  @IsInt()
  @Min(3)
  @Max(MAX_LIFECYCLE_DAYS)
  lostDays: number;
}

/** Lifecycle thresholds and the members under each label (contract: "Operating the alliance"). */
@ApiTags('admin: members')
@ApiBearerAuth()
@Controller('admin')
export class LifecyclePolicyController {
  constructor(
    private readonly policies: LifecyclePolicies,
    private readonly members: MemberQuery,
    private readonly clock: Clock,
  ) {}

  @Get('lifecycle-policy')
  @Roles('alliance_admin', 'merchant_admin')
  get(@CurrentPrincipal() who: Principal): Promise<LifecyclePolicy> {
    return this.policies.get(who.allianceId);
  }

  @Put('lifecycle-policy')
  @Roles('alliance_admin')
  put(@CurrentPrincipal() who: Principal, @Body() body: LifecyclePolicyDto): Promise<LifecyclePolicy> {
    return this.policies.put(who.allianceId, body);
  }

  /** How many members carry each label now, in the caller's scope. */
  @Get('lifecycle-counts')
  @Roles('alliance_admin', 'merchant_admin')
  async counts(@CurrentPrincipal() who: Principal): Promise<LifecycleCounts> {
    return {
      counts: await this.members.lifecycleCounts(
        who,
        await this.policies.get(who.allianceId),
        this.clock.now(),
      ),
    };
  }
}
