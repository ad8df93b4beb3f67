import { Module } from '@nestjs/common';
import { CouponsModule } from '../coupons/coupons.module';
import { MembersModule } from '../members/members.module';
import { OnboardingController } from './onboarding.controller';

@Module({ imports: [MembersModule, CouponsModule], controllers: [OnboardingController] })
export class OnboardingModule {}
