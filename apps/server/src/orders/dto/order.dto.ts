import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsString, Max, Min } from 'class-validator';
import { IsOptionalNotNull } from '../../common/validation';
import { IsId } from '../../common/ids';

export class OrderRequestDto {
  @ApiProperty({ example: '1' })
  @IsString()
  @IsId()
  merchantId: string;

  @ApiProperty({ example: 12800, description: 'the amount to pay the merchant, in fen, before discounts' })
  @IsInt()
  @Min(1)
  @Max(100_000_000)
  amountFen: number;

  @ApiPropertyOptional()
  @IsOptionalNotNull()
  @IsString()
  @IsId()
  couponId?: string;

  @ApiPropertyOptional({
    description: 'points to use; capped at half of what is left to pay and at the balance',
  })
  @IsOptionalNotNull()
  @IsInt()
  @Min(0)
  @Max(100_000_000)
  points?: number;
}

export class RefundRequestDto {
  @ApiPropertyOptional({ description: 'fen to refund; the whole remaining amount when omitted' })
  @IsOptionalNotNull()
  @IsInt()
  @Min(1)
  @Max(100_000_000)
  amountFen?: number;
}
