import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { LIFECYCLES, type Lifecycle } from '@allycard/domain';
import {
  ArrayMaxSize,
  ArrayNotEmpty,
  IsArray,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsObject,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { IsOptionalNotNull, NestedObject } from '../../common/validation';
import { IsId } from '../../common/ids';

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** R/F/M score bounds, each 1–5 inclusive. */
export class RfmFilterDto {
  @ApiPropertyOptional({ minimum: 1, maximum: 5 })
  @IsOptionalNotNull()
  @IsInt()
  @Min(1)
  @Max(5)
  rMin?: number;

  @ApiPropertyOptional({ minimum: 1, maximum: 5 })
  @IsOptionalNotNull()
  @IsInt()
  @Min(1)
  @Max(5)
  rMax?: number;

  @ApiPropertyOptional({ minimum: 1, maximum: 5 })
  @IsOptionalNotNull()
  @IsInt()
  @Min(1)
  @Max(5)
  fMin?: number;

  @ApiPropertyOptional({ minimum: 1, maximum: 5 })
  @IsOptionalNotNull()
  @IsInt()
  @Min(1)
  @Max(5)
  fMax?: number;

  @ApiPropertyOptional({ minimum: 1, maximum: 5 })
  @IsOptionalNotNull()
  @IsInt()
  @Min(1)
  @Max(5)
  mMin?: number;

  @ApiPropertyOptional({ minimum: 1, maximum: 5 })
  @IsOptionalNotNull()
  @IsInt()
  @Min(1)
  @Max(5)
  mMax?: number;
}

/** The contract's segment filter: unknown fields are refused by the whitelisting pipe. */
export class SegmentFilterDto {
  @ApiPropertyOptional({ enum: LIFECYCLES, isArray: true })
  @IsOptionalNotNull()
  @IsArray()
  @ArrayNotEmpty()
  @ArrayMaxSize(5)
  @IsIn(LIFECYCLES, { each: true })
  lifecycle?: Lifecycle[];

  @ApiPropertyOptional({ type: [String] })
  @IsOptionalNotNull()
  @IsArray()
  @ArrayNotEmpty()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @MaxLength(32, { each: true })
  tierCodes?: string[];

  @ApiPropertyOptional({ type: [String] })
  @IsOptionalNotNull()
  @IsArray()
  @ArrayNotEmpty()
  @ArrayMaxSize(200)
  @IsString({ each: true })
  @IsId({ each: true })
  joinMerchantIds?: string[];

  @ApiPropertyOptional({ type: [String] })
  @IsOptionalNotNull()
  @IsArray()
  @ArrayNotEmpty()
  @ArrayMaxSize(200)
  @IsString({ each: true })
  @IsId({ each: true })
  boughtAtMerchantIds?: string[];

  @ApiPropertyOptional({ example: '2026-10-01', description: 'last purchase before this business day' })
  @IsOptionalNotNull()
  @IsString()
  @Matches(DATE, { message: 'lastPurchaseBefore must be YYYY-MM-DD' })
  lastPurchaseBefore?: string;

  @ApiPropertyOptional({ example: '2026-06-01', description: 'last purchase on or after this business day' })
  @IsOptionalNotNull()
  @IsString()
  @Matches(DATE, { message: 'lastPurchaseAfter must be YYYY-MM-DD' })
  lastPurchaseAfter?: string;

  @ApiPropertyOptional({ example: 10000 })
  @IsOptionalNotNull()
  @IsInt()
  @Min(0)
  @Max(1_000_000_000_00)
  minSpendFen?: number;

  @ApiPropertyOptional({ minimum: 1, maximum: 12 })
  @IsOptionalNotNull()
  @IsInt()
  @Min(1)
  @Max(12)
  birthdayMonth?: number;

  @ApiPropertyOptional({ minimum: 1, maximum: 366 })
  @IsOptionalNotNull()
  @IsInt()
  @Min(1)
  @Max(366)
  pointsExpiringWithinDays?: number;

  @ApiPropertyOptional({ type: RfmFilterDto })
  @IsOptionalNotNull()
  @NestedObject(() => RfmFilterDto)
  rfm?: RfmFilterDto;
}

export class SegmentPreviewDto {
  @ApiProperty({ type: SegmentFilterDto })
  @NestedObject(() => SegmentFilterDto)
  filter: SegmentFilterDto;
}

export class SegmentCreateDto extends SegmentPreviewDto {
  @ApiProperty({ example: '沉睡会员' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(64)
  @Matches(/\S/, { message: 'name must not be blank' })
  name: string;
}

export class FundedByDto {
  @ApiProperty({ enum: ['alliance', 'merchant'] })
  @IsIn(['alliance', 'merchant'])
  type: 'alliance' | 'merchant';

  @ApiPropertyOptional()
  @IsOptionalNotNull()
  @IsString()
  @IsId()
  merchantId?: string;
}

/** `{type: "coupon", templateId}` or `{type: "points", points, fundedBy}`; the service checks which fields go with which type. */
export class CampaignActionDto {
  @ApiProperty({ enum: ['coupon', 'points'] })
  @IsIn(['coupon', 'points'])
  type: 'coupon' | 'points';

  @ApiPropertyOptional()
  @IsOptionalNotNull()
  @IsString()
  @IsId()
  templateId?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 1_000_000 })
  @IsOptionalNotNull()
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  points?: number;

  @ApiPropertyOptional({ type: FundedByDto })
  @IsOptionalNotNull()
  @NestedObject(() => FundedByDto)
  fundedBy?: FundedByDto;
}

export class CampaignMessageDto {
  @ApiProperty({ description: "the subscribe message template id (WeChat's)" })
  @IsString()
  @IsNotEmpty()
  @MaxLength(64)
  templateId: string;

  @ApiProperty({ example: 'pages/coupons/index' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(128)
  @Matches(/^[A-Za-z0-9_\-/]+(\?[A-Za-z0-9_\-=&%.]*)?$/, { message: 'page must be a mini-program page path' })
  page: string;

  @ApiProperty({ example: { thing1: { value: '你有一张回归礼券' } } })
  @IsObject()
  data: Record<string, { value: string }>;
}

export class CampaignCreateDto {
  @ApiProperty({ example: '沉睡唤醒' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(64)
  @Matches(/\S/, { message: 'name must not be blank' })
  name: string;

  @ApiProperty()
  @IsString()
  @IsId()
  segmentId: string;

  @ApiProperty({ type: CampaignActionDto })
  @NestedObject(() => CampaignActionDto)
  action: CampaignActionDto;

  @ApiProperty({
    minimum: 0,
    maximum: 500,
    description: 'per mille of the segment kept as the control group',
  })
  @IsInt()
  @Min(0)
  @Max(500)
  holdoutPermille: number;

  @ApiPropertyOptional({ type: CampaignMessageDto })
  @IsOptionalNotNull()
  @NestedObject(() => CampaignMessageDto)
  message?: CampaignMessageDto;
}
