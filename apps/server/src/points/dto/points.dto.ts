import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsInt,
  IsNotEmpty,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { IsOptionalNotNull, NestedObjectArray } from '../../common/validation';
import { IsId } from '../../common/ids';

export class PointsPolicyDto {
  @ApiProperty({ example: 100, description: 'fen paid per point earned (100: one point per full yuan)' })
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  earnFenPerPoint: number;

  @ApiProperty({ example: 1, description: 'what one point is worth when spent, in fen' })
  @IsInt()
  @Min(1)
  @Max(10_000)
  pointValueFen: number;

  @ApiProperty({ example: 12, description: 'points expire this many months after the month earned' })
  @IsInt()
  @Min(1)
  @Max(120)
  expiryMonths: number;
}

export class TierDto {
  @ApiProperty({ example: 'gold' })
  @IsString()
  @Matches(/^[a-z][a-z0-9_]{0,31}$/, { message: 'code must be 1–32 lowercase letters, digits or _' })
  code: string;

  @ApiProperty({ example: '金卡' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(32)
  name: string;

  @ApiProperty({ example: 300000 })
  @IsInt()
  @Min(0)
  @Max(100_000_000_000)
  minSpendFen: number;

  @ApiProperty({ example: 950, description: 'what members of this tier pay, per mille (1000 = no discount)' })
  @IsInt()
  @Min(500)
  @Max(1000)
  discountPermille: number;

  @ApiProperty({ example: 1500 })
  @IsInt()
  @Min(0)
  @Max(10_000)
  pointsMultiplierPermille: number;
}

export class TiersDto {
  @ApiProperty({ type: [TierDto] })
  @NestedObjectArray(() => TierDto)
  @ArrayMinSize(1)
  @ArrayMaxSize(10)
  tiers: TierDto[];
}

export class HistoryQueryDto {
  @ApiPropertyOptional({ description: 'postings older than this posting id (paging)' })
  @IsOptionalNotNull()
  @IsId()
  before?: string;
}
