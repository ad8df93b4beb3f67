import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsInt,
  IsString,
  Matches,
  Max,
  Min,
  ValidateIf,
} from 'class-validator';
import { IsOptionalNotNull, NestedObject } from '../../common/validation';
import { IsId } from '../../common/ids';

export class BirthdayBenefitDto {
  @ApiPropertyOptional({ description: "one of the alliance's coupon templates, issued as the gift" })
  @IsOptionalNotNull()
  @IsString()
  @IsId()
  couponTemplateId?: string;

  @ApiPropertyOptional({ example: 200, description: 'points given as the gift' })
  @IsOptionalNotNull()
  @IsInt()
  @Min(0)
  @Max(100_000)
  points?: number;
}

export class MemberDayBenefitDto {
  @ApiPropertyOptional({ example: 6, description: 'ISO weekday, 1 = Monday (or monthDay)' })
  @IsOptionalNotNull()
  @IsInt()
  @Min(1)
  @Max(7)
  weekday?: number;

  @ApiPropertyOptional({ example: 18, description: 'day of the month, 1–28 (or weekday)' })
  @IsOptionalNotNull()
  @IsInt()
  @Min(1, { message: 'monthDay must be 1–28, so that every month has it' })
  @Max(28, { message: 'monthDay must be 1–28, so that every month has it' })
  monthDay?: number;

  @ApiProperty({ example: 2000, description: 'points multiplier on the day, per mille (1000–5000)' })
  @IsInt()
  @Min(1000)
  @Max(5000)
  pointsMultiplierPermille: number;

  @ApiPropertyOptional({ example: 'silver', description: 'only members at this tier or above' })
  @IsOptionalNotNull()
  @IsString()
  @Matches(/^[a-z][a-z0-9_]{0,31}$/, { message: 'minTierCode must be a tier code' })
  minTierCode?: string;

  @ApiPropertyOptional({ example: 100, description: 'extra discount on the day, per mille off (1–500)' })
  @IsOptionalNotNull()
  @IsInt()
  @Min(1)
  @Max(500)
  discountPermille?: number;

  @ApiPropertyOptional({ example: 500, description: 'or fen off on the day (1–50000)' })
  @IsOptionalNotNull()
  @IsInt()
  @Min(1)
  @Max(50_000)
  discountFen?: number;

  @ApiPropertyOptional({ type: [String], description: 'only at these merchants (absent: all)' })
  @IsOptionalNotNull()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(200)
  @IsId({ each: true })
  merchantIds?: string[];
}

export class TaskBenefitsDto {
  @ApiProperty({ example: 50, description: 'points once for nickname + birthday (0: off)' })
  @IsInt()
  @Min(0)
  @Max(100_000)
  profilePoints: number;

  @ApiProperty({ example: 50, description: 'points once for binding a phone (0: off)' })
  @IsInt()
  @Min(0)
  @Max(100_000)
  phonePoints: number;
}

export class BenefitSettingsDto {
  @ApiProperty({ type: BirthdayBenefitDto, nullable: true, description: 'null: no birthday gift' })
  @ValidateIf((_, value) => value !== null)
  @NestedObject(() => BirthdayBenefitDto)
  birthday: BirthdayBenefitDto | null;

  @ApiProperty({ type: MemberDayBenefitDto, nullable: true, description: 'null: no member day' })
  @ValidateIf((_, value) => value !== null)
  @NestedObject(() => MemberDayBenefitDto)
  memberDay: MemberDayBenefitDto | null;

  @ApiPropertyOptional({ type: TaskBenefitsDto, description: 'absent: unchanged' })
  @IsOptionalNotNull()
  @NestedObject(() => TaskBenefitsDto)
  tasks?: TaskBenefitsDto;
}
