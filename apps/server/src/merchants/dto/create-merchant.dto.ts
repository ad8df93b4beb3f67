import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsNotEmpty, IsString, Matches, MaxLength, ValidateIf } from 'class-validator';
import { IsOptionalNotNull } from '../../common/validation';
import { IMAGE_URL } from '../../uploads/image-files';

export class CreateMerchantDto {
  @ApiProperty({ example: '街角咖啡' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(64)
  name: string;

  @ApiPropertyOptional({ example: '手冲与烘焙豆' })
  @IsOptionalNotNull()
  @IsString()
  @MaxLength(255)
  description?: string;

  @ApiPropertyOptional({
    description: 'store names; one store named after the merchant when omitted',
    type: [String],
  })
  @IsOptionalNotNull()
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @IsNotEmpty({ each: true })
  @MaxLength(64, { each: true })
  stores?: string[];
}

export class SetMerchantLogoDto {
  @ApiProperty({ nullable: true, description: 'the url POST /admin/uploads answered; null removes the logo' })
  @ValidateIf((_, value) => value !== null)
  @IsString()
  @Matches(IMAGE_URL, { message: 'logoUrl must be the url of an image uploaded to this server' })
  logoUrl: string | null;
}
