import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsNotEmpty, IsString, Matches, Max, MaxLength, Min, ValidateIf } from 'class-validator';
import { IsOptionalNotNull } from '../../common/validation';
import { IMAGE_URL } from '../../uploads/image-files';
import { IsId } from '../../common/ids';

export class CreateMallItemDto {
  @ApiProperty({ example: '手冲咖啡一杯' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(64)
  title: string;

  @ApiPropertyOptional()
  @IsOptionalNotNull()
  @IsString()
  @MaxLength(255)
  description?: string;

  @ApiProperty({ example: 300 })
  @IsInt()
  @Min(1)
  @Max(10_000_000)
  pointsPrice: number;

  @ApiProperty({
    example: 0,
    description: 'cash part in fen; items with cash wait for WeChat Pay (must be 0 for now)',
  })
  @IsInt()
  @Min(0)
  @Max(100_000_000)
  cashFen: number;

  @ApiProperty({ example: 50 })
  @IsInt()
  @Min(1)
  @Max(10_000_000)
  stock: number;

  @ApiProperty({ example: 2 })
  @IsInt()
  @Min(1)
  @Max(100)
  perMemberLimit: number;

  @ApiProperty({ enum: ['pickup', 'coupon'] })
  @IsIn(['pickup', 'coupon'])
  fulfilment: 'pickup' | 'coupon';

  @ApiPropertyOptional({ description: 'pickup: the merchant that hands it over' })
  @IsOptionalNotNull()
  @IsString()
  @IsId()
  merchantId?: string;

  @ApiPropertyOptional({ description: 'coupon: the template issued per unit' })
  @IsOptionalNotNull()
  @IsString()
  @IsId()
  couponTemplateId?: string;

  @ApiPropertyOptional({ description: 'a photo uploaded with POST /admin/uploads (its url)' })
  @IsOptionalNotNull()
  @IsString()
  @Matches(IMAGE_URL, { message: 'imageUrl must be the url of an image uploaded to this server' })
  imageUrl?: string;
}

export class SetMallItemImageDto {
  @ApiProperty({
    nullable: true,
    description: 'the url POST /admin/uploads answered; null removes the photo',
  })
  @ValidateIf((_, value) => value !== null)
  @IsString()
  @Matches(IMAGE_URL, { message: 'imageUrl must be the url of an image uploaded to this server' })
  imageUrl: string | null;
}

export class RedeemDto {
  @ApiProperty({ example: 1 })
  @IsInt()
  @Min(1)
  @Max(10)
  quantity: number;
}

export class PickupDto {
  @ApiProperty({ description: 'the code the member shows (10 digits); an unknown code is a 404' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(32)
  pickupCode: string;
}
