import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsInt,
  IsString,
  Length,
  Matches,
  Max,
  Min,
  ValidateIf,
} from 'class-validator';
import { IsInstant } from '../../common/validation';

const ID = /^\d{1,19}$/;

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
  @Matches(ID, { each: true, message: 'merchantIds must be ids' })
  merchantIds?: string[] | null;

  @ApiPropertyOptional({ nullable: true, description: 'the merchant funding the extra points' })
  @ValidateIf((_, v) => v !== null && v !== undefined)
  @IsString()
  @Matches(ID, { message: 'sponsorMerchantId must be an id' })
  sponsorMerchantId?: string | null;
}
