import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Alliance } from './alliance.entity';
import { AlliancesService } from './alliances.service';
import { Tier } from './tier.entity';

@Global()
@Module({
  imports: [TypeOrmModule.forFeature([Alliance, Tier])],
  providers: [AlliancesService],
  exports: [AlliancesService],
})
export class AlliancesModule {}
