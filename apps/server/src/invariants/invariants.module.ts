import { Controller, Get, Module } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Principal, Roles } from '../common/auth';
import { InvariantsService } from './invariants.service';

@ApiTags('admin')
@ApiBearerAuth()
@Controller('admin/invariants')
export class InvariantsController {
  constructor(private readonly invariants: InvariantsService) {}

  /** Live check of design.md's invariants on this alliance's data. */
  @Get()
  @Roles('alliance_admin')
  check(@CurrentPrincipal() who: Principal) {
    return this.invariants.check(who.allianceId);
  }
}

@Module({ controllers: [InvariantsController], providers: [InvariantsService], exports: [InvariantsService] })
export class InvariantsModule {}
