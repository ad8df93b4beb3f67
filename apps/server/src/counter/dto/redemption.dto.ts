import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { COUNTER_VOID_REASON_MAX } from '@allycard/domain';
import { IsInt, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { IsOptionalNotNull } from '../../common/validation';
import { IsId } from '../../common/ids';

export class CreateRedemptionDto {
  @ApiProperty({ description: 'the rotating code from the member card' })
  @IsString()
  @Matches(/^\d{15,40}$/, { message: 'memberCode must be the digits of a member code' })
  memberCode: string;

  @ApiPropertyOptional({ description: 'the coupon to redeem' })
  @IsOptionalNotNull()
  @IsString()
  @IsId()
  couponId?: string;

  @ApiPropertyOptional({ description: 'the purchase amount in fen, before the coupon' })
  @IsOptionalNotNull()
  @IsInt()
  @Min(1)
  @Max(100_000_000)
  amountFen?: number;
}

export class VoidRedemptionDto {
  @ApiProperty({
    description: 'why the record is voided (e.g. 金额输错), shown in the list and the audit log',
    example: '金额输错：应为 ¥368',
    maxLength: COUNTER_VOID_REASON_MAX,
  })
  @IsString()
  @Matches(/\S/, { message: 'reason must not be blank' })
  @MaxLength(COUNTER_VOID_REASON_MAX)
  reason: string;
}
