import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsNotEmpty, IsNumber, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { IsOptionalNotNull } from '../../common/validation';

const HH_MM = /^([01]\d|2[0-3]):[0-5]\d$/;
/** Digits with dashes between them: 021-63281234, 400-820-8820, 13812345678. */
const PHONE = /^\d[\d-]{3,18}\d$/;

/**
 * A store's place and hours. On update every field may be left out (unchanged) and every field but
 * the name may be null (cleared). Coordinates come in pairs, as do the opening and closing times.
 */
class StoreFields {
  @ApiPropertyOptional({ example: '上海市黄浦区人民路 328 号' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(128)
  address?: string | null;

  @ApiPropertyOptional({ example: 31.2301, description: 'GCJ-02 degrees, as 高德 / 腾讯地图 show them' })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(-90)
  @Max(90)
  latitude?: number | null;

  @ApiPropertyOptional({ example: 121.4882 })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(-180)
  @Max(180)
  longitude?: number | null;

  @ApiPropertyOptional({ example: '08:00–21:00' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(64)
  hoursText?: string | null;

  @ApiPropertyOptional({ example: '08:00' })
  @IsOptional()
  @Matches(HH_MM, { message: 'opensAt must be HH:mm' })
  opensAt?: string | null;

  @ApiPropertyOptional({ example: '21:00', description: 'before opensAt: closes after midnight' })
  @IsOptional()
  @Matches(HH_MM, { message: 'closesAt must be HH:mm' })
  closesAt?: string | null;

  @ApiPropertyOptional({ example: '021-63281234' })
  @IsOptional()
  @Matches(PHONE, { message: 'phone must be 5–20 digits, dashes allowed between them' })
  phone?: string | null;
}

export class CreateStoreDto extends StoreFields {
  @ApiProperty({ example: '街角咖啡·人民路店' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(64)
  name: string;
}

export class UpdateStoreDto extends StoreFields {
  @ApiPropertyOptional({ example: '街角咖啡·人民路店' })
  @IsOptionalNotNull()
  @IsString()
  @IsNotEmpty()
  @MaxLength(64)
  name?: string;
}
