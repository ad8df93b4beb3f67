import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsString, Matches } from 'class-validator';
import { IsOptionalNotNull } from '../../common/validation';

export class CreateQrCodeDto {
  @ApiProperty({ example: '1' })
  @IsString()
  @Matches(/^\d{1,19}$/, { message: 'merchantId must be an id' })
  merchantId: string;

  @ApiPropertyOptional({ example: '1' })
  @IsOptionalNotNull()
  @IsString()
  @Matches(/^\d{1,19}$/, { message: 'storeId must be an id' })
  storeId?: string;

  @ApiPropertyOptional({ example: 'opening-week', description: 'up to 32 letters, digits, _ or -' })
  @IsOptionalNotNull()
  @IsString()
  @Matches(/^[A-Za-z0-9_-]{1,32}$/, { message: 'campaign must be 1–32 letters, digits, _ or -' })
  campaign?: string;
}
