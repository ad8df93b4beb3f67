import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsInt,
  IsString,
  Length,
  Max,
  Min,
  ValidateIf,
} from 'class-validator';
import { IsInstant } from '../../common/validation';
import { IsId } from '../../common/ids';

export class PointsPromotionDto {
  @ApiProperty({ example: '双十二双倍积分', description: '1–40 characters' })
  @IsString()
  @Length(1, 40)
  name: string;

  @ApiProperty({ example: 2000, description: 'points multiplier per mille, 1001–5000 (more than 1×)' })
  @IsInt()
  @Min(1001, { message: 'multiplierPermille must be more than 1000 (1×)' })
  @Max(5000, { message: 'multiplierPermille must be at most 5000 (5×)' })
  multiplierPermille: number;

  @ApiProperty({ example: '2026-12-11T16:00:00Z' })
  @IsInstant()
  startsAt: string;

  @ApiProperty({ example: '2026-12-12T16:00:00Z', description: 'exclusive; after startsAt' })
  @IsInstant()
  endsAt: string;

  @ApiPropertyOptional({ type: [String], nullable: true, description: 'null/absent: the whole alliance' })
  @ValidateIf((_, v) => v !== null && v !== undefined)
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(200)
  @IsId({ each: true })
  merchantIds?: string[] | null;

  @ApiPropertyOptional({ nullable: true, description: 'the merchant funding the extra points' })
  @ValidateIf((_, v) => v !== null && v !== undefined)
  @IsString()
  @IsId()
  sponsorMerchantId?: string | null;
}
