import { Module } from '@nestjs/common';
import { CouponsModule } from '../coupons/coupons.module';
import { DirectoryModule } from '../directory/directory.module';
import { MembersModule } from '../members/members.module';
import { PrivacyModule } from '../privacy/privacy.module';
import { OnboardingController } from './onboarding.controller';

@Module({
  imports: [MembersModule, CouponsModule, PrivacyModule, DirectoryModule],
  controllers: [OnboardingController],
})
export class OnboardingModule {}
