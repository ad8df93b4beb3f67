import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsInt, Max, Min } from 'class-validator';
import type { TierDiscountBearer } from '@allycard/contracts';

export class StaffLimitValuesDto {
  @ApiProperty({ example: 500_000, description: 'largest counter purchase a clerk may record, in fen' })
  @IsInt()
  @Min(1)
  @Max(100_000_000)
  counterPurchaseMaxFen: number;

  @ApiProperty({
    example: 2_000_000,
    description: 'most a clerk may record for one member in a business day at the merchant, in fen',
  })
  @IsInt()
  @Min(1)
  @Max(10_000_000_000)
  counterDailyPerMemberMaxFen: number;

  @ApiProperty({ example: 50_000, description: 'largest refund a clerk may make, in fen' })
  @IsInt()
  @Min(0)
  @Max(10_000_000_000)
  clerkRefundMaxFen: number;

  @ApiProperty({ example: 7, description: 'a clerk may refund orders paid within this many days' })
  @IsInt()
  @Min(0)
  @Max(3650)
  clerkRefundMaxAgeDays: number;
}

export class StaffLimitsDto extends StaffLimitValuesDto {
  @ApiProperty({
    enum: ['merchant', 'alliance'],
    description: 'who bears the member-tier discounts given at a merchant',
  })
  @IsIn(['merchant', 'alliance'])
  tierDiscountBorneBy: TierDiscountBearer;
}
