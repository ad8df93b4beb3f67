import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { MemberSessions } from '../common/auth';
import { QrCodesModule } from '../qrcodes/qrcodes.module';
import { MemberCodesService } from './member-codes.service';
import { MemberProfileService } from './member-profile.service';
import { MemberStandingService } from './member-standing.service';
import { Member, MemberTierChange } from './member.entity';
import { MembersController } from './members.controller';
import { MembersService } from './members.service';

@Module({
  imports: [TypeOrmModule.forFeature([Member, MemberTierChange]), QrCodesModule],
  controllers: [MembersController],
  providers: [
    MembersService,
    MemberStandingService,
    MemberProfileService,
    MemberCodesService,
    { provide: MemberSessions, useExisting: MembersService },
  ],
  exports: [MembersService, MemberStandingService, MemberProfileService, MemberCodesService, MemberSessions],
})
export class MembersModule {}
