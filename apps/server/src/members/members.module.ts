import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { MemberSessions } from '../common/auth';
import { QrCodesModule } from '../qrcodes/qrcodes.module';
import { Member, MemberTierChange } from './member.entity';
import { MembersController } from './members.controller';
import { MembersService } from './members.service';

@Module({
  imports: [TypeOrmModule.forFeature([Member, MemberTierChange]), QrCodesModule],
  controllers: [MembersController],
  providers: [MembersService, { provide: MemberSessions, useExisting: MembersService }],
  exports: [MembersService, MemberSessions],
})
export class MembersModule {}
