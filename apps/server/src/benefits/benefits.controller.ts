import { Body, Controller, Get, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Principal, Roles } from '../common/auth';
import { BenefitsService } from './benefits.service';
import { BenefitSettingsDto } from './dto/benefits.dto';

@ApiTags('benefits')
@ApiBearerAuth()
@Controller()
export class BenefitsController {
  constructor(private readonly benefits: BenefitsService) {}

  @Get('benefits')
  @Roles('member')
  forMember(@CurrentPrincipal() who: Principal) {
    return this.benefits.forMember(who);
  }

  @Get('admin/benefits')
  @Roles('alliance_admin')
  settings(@CurrentPrincipal() who: Principal) {
    return this.benefits.settings(who.allianceId);
  }

  @Put('admin/benefits')
  @Roles('alliance_admin')
  put(@CurrentPrincipal() who: Principal, @Body() body: BenefitSettingsDto) {
    return this.benefits.put(who.allianceId, body);
  }
}
