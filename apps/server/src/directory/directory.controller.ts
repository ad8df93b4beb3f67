import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Principal, Roles } from '../common/auth';
import { DirectoryService } from './directory.service';

@ApiTags('merchants')
@ApiBearerAuth()
@Controller()
export class DirectoryController {
  constructor(private readonly directory: DirectoryService) {}

  /** The alliance's merchants with their stores; a member's answer adds what the card gives at each. */
  @Get('merchants')
  @Roles('member', 'clerk', 'merchant_admin', 'alliance_admin')
  list(@CurrentPrincipal() who: Principal) {
    return this.directory.list(who);
  }
}
