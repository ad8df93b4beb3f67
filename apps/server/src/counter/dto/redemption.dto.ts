import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsString, Matches, Max, Min } from 'class-validator';
import { IsOptionalNotNull } from '../../common/validation';

export class CreateRedemptionDto {
  @ApiProperty({ description: 'the rotating code from the member card' })
  @IsString()
  @Matches(/^\d{15,40}$/, { message: 'memberCode must be the digits of a member code' })
  memberCode: string;

  @ApiPropertyOptional({ description: 'the coupon to redeem' })
  @IsOptionalNotNull()
  @IsString()
  @Matches(/^\d{1,19}$/, { message: 'couponId must be an id' })
  couponId?: string;

  @ApiPropertyOptional({ description: 'the purchase amount in fen, before the coupon' })
  @IsOptionalNotNull()
  @IsInt()
  @Min(1)
  @Max(100_000_000)
  amountFen?: number;
}
