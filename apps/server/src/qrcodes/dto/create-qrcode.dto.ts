import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsString, Matches } from 'class-validator';
import { IsOptionalNotNull } from '../../common/validation';
import { IsId } from '../../common/ids';

export class CreateQrCodeDto {
  @ApiProperty({ example: '1' })
  @IsString()
  @IsId()
  merchantId: string;

  @ApiPropertyOptional({ example: '1' })
  @IsOptionalNotNull()
  @IsString()
  @IsId()
  storeId?: string;

  @ApiPropertyOptional({ example: 'opening-week', description: 'up to 32 letters, digits, _ or -' })
  @IsOptionalNotNull()
  @IsString()
  @Matches(/^[A-Za-z0-9_-]{1,32}$/, { message: 'campaign must be 1–32 letters, digits, _ or -' })
  campaign?: string;
}
