import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, IsString, Max, Min } from 'class-validator';
import { IsOptionalNotNull } from '../../common/validation';
import { IsId } from '../../common/ids';

export class WalletQueryDto {
  @ApiPropertyOptional({ enum: ['available', 'locked', 'sharing', 'used', 'expired'] })
  @IsOptionalNotNull()
  @IsIn(['available', 'locked', 'sharing', 'used', 'expired'])
  status?: 'available' | 'locked' | 'sharing' | 'used' | 'expired';
}

export class ReferralRuleDto {
  @ApiPropertyOptional({
    nullable: true,
    description: 'the template whose coupon rewards the sender; null turns rewards off',
  })
  @IsOptional() // null is meaningful here
  @IsString()
  @IsId()
  rewardTemplateId?: string | null;
}

export class ReferralRuleBodyDto extends ReferralRuleDto {
  @ApiPropertyOptional({
    default: 0,
    description: 'points the sender earns per referred friend (funded by the alliance)',
  })
  @IsOptionalNotNull()
  @IsInt()
  @Min(0)
  @Max(1_000_000)
  rewardPoints?: number;
}
