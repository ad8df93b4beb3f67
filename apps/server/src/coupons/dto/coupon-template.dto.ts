import { businessDateTimeToRfc3339, TEMPLATE_CHANNELS, type TemplateChannel } from '@allycard/domain';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsString,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { IsInstant, IsOptionalNotNull, NestedObject } from '../../common/validation';
import { IsId } from '../../common/ids';

const MAX_FEN = 100_000_000; // ¥1,000,000

export class CouponIssuerDto {
  @ApiProperty({ enum: ['alliance', 'merchant'] })
  @IsIn(['alliance', 'merchant'])
  type: 'alliance' | 'merchant';

  @ApiPropertyOptional({ description: 'required when type is merchant' })
  @IsOptionalNotNull()
  @IsString()
  @IsId()
  merchantId?: string;
}

export class CreateCouponTemplateDto {
  @ApiProperty({ example: '新人首单立减10元' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(64)
  title: string;

  @ApiPropertyOptional()
  @IsOptionalNotNull()
  @IsString()
  @MaxLength(255)
  description?: string;

  @ApiProperty({ enum: ['amount', 'discount', 'no_threshold', 'gift'] })
  @IsIn(['amount', 'discount', 'no_threshold', 'gift'])
  kind: 'amount' | 'discount' | 'no_threshold' | 'gift';

  @ApiPropertyOptional({ description: 'fen off (amount, no_threshold) or the gift value (gift)' })
  @IsOptionalNotNull()
  @IsInt()
  @Min(1)
  @Max(MAX_FEN)
  valueFen?: number;

  @ApiPropertyOptional({ description: 'discount: per mille paid, 1–999 (850 = 8.5折)' })
  @IsOptionalNotNull()
  @IsInt()
  @Min(1)
  @Max(999)
  discountPermille?: number;

  @ApiPropertyOptional({ description: 'discount: cap of the reduction in fen' })
  @IsOptionalNotNull()
  @IsInt()
  @Min(1)
  @Max(MAX_FEN)
  maxDiscountFen?: number;

  @ApiProperty({ description: 'minimum spend in fen (0 = none)' })
  @IsInt()
  @Min(0)
  @Max(MAX_FEN)
  thresholdFen: number;

  @ApiProperty({ example: 1000 })
  @IsInt()
  @Min(1)
  @Max(10_000_000)
  stock: number;

  @ApiProperty({ example: 1 })
  @IsInt()
  @Min(1)
  @Max(100)
  perMemberLimit: number;

  @ApiPropertyOptional({ description: 'valid N days from the claim (or fixed validFrom/validUntil)' })
  @IsOptionalNotNull()
  @IsInt()
  @Min(1)
  @Max(3650)
  validDays?: number;

  @ApiPropertyOptional({ example: businessDateTimeToRfc3339('2026-12-01', '00:00:00') })
  @IsOptionalNotNull()
  @IsInstant()
  validFrom?: string;

  @ApiPropertyOptional({ example: businessDateTimeToRfc3339('2026-12-31', '23:59:59') })
  @IsOptionalNotNull()
  @IsInstant()
  validUntil?: string;

  @ApiProperty({ enum: ['alliance', 'merchant'] })
  @IsIn(['alliance', 'merchant'])
  usableAt: 'alliance' | 'merchant';

  @ApiPropertyOptional({ type: [String], description: 'usableAt merchant: where it may be used' })
  @IsOptionalNotNull()
  @IsArray()
  @ArrayMaxSize(200)
  @IsString({ each: true })
  @IsId({ each: true })
  merchantIds?: string[];

  @ApiPropertyOptional({
    enum: ['all', 'new_members'],
    description: 'new_members: members who have not bought yet',
  })
  @IsOptionalNotNull()
  @IsIn(['all', 'new_members'])
  audience?: 'all' | 'new_members';

  @ApiPropertyOptional()
  @IsOptionalNotNull()
  @IsString()
  @MaxLength(32)
  minTierCode?: string;

  @ApiPropertyOptional({ default: false })
  @IsOptionalNotNull()
  @IsBoolean()
  firstOrderOnly?: boolean;

  @ApiPropertyOptional({ default: false })
  @IsOptionalNotNull()
  @IsBoolean()
  forwardable?: boolean;

  @ApiPropertyOptional({ default: false, description: 'issued to every new member on join' })
  @IsOptionalNotNull()
  @IsBoolean()
  joinGift?: boolean;

  @ApiPropertyOptional({
    enum: TEMPLATE_CHANNELS,
    default: 'centre',
    description: 'centre: claimable in 领券中心; issue_only: only issued (referral rewards, mall, campaigns)',
  })
  @IsOptionalNotNull()
  @IsIn(TEMPLATE_CHANNELS)
  channel?: TemplateChannel;

  @ApiProperty({ type: CouponIssuerDto })
  @NestedObject(() => CouponIssuerDto)
  issuer: CouponIssuerDto;
}

export class UpdateCouponTemplateDto {
  @ApiPropertyOptional()
  @IsOptionalNotNull()
  @IsString()
  @IsNotEmpty()
  @MaxLength(64)
  title?: string;

  @ApiPropertyOptional()
  @IsOptionalNotNull()
  @IsString()
  @MaxLength(255)
  description?: string;

  @ApiPropertyOptional({ description: 'new total stock; never below what was issued' })
  @IsOptionalNotNull()
  @IsInt()
  @Min(1)
  @Max(10_000_000)
  stock?: number;

  @ApiPropertyOptional({ enum: ['active', 'paused'] })
  @IsOptionalNotNull()
  @IsIn(['active', 'paused'])
  status?: 'active' | 'paused';

  @ApiPropertyOptional({ enum: TEMPLATE_CHANNELS })
  @IsOptionalNotNull()
  @IsIn(TEMPLATE_CHANNELS)
  channel?: TemplateChannel;
}
