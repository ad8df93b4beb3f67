import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsString, Matches, MaxLength } from 'class-validator';
import { IsOptionalNotNull } from '../../common/validation';
import { IsId } from '../../common/ids';

/** Query strings of the reports: business days as given; the service checks they are real dates. */
export class AcquisitionQueryDto {
  @ApiProperty({ description: 'first business day (Asia/Shanghai), inclusive', example: '2026-12-01' })
  @IsString()
  @MaxLength(10)
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'from must be a date YYYY-MM-DD' })
  from: string;

  @ApiProperty({ description: 'the business day after the last, exclusive', example: '2026-12-08' })
  @IsString()
  @MaxLength(10)
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'to must be a date YYYY-MM-DD' })
  to: string;
}

export class OverviewQueryDto extends AcquisitionQueryDto {
  @ApiPropertyOptional({ description: 'alliance admins: one merchant’s figures' })
  @IsOptionalNotNull()
  @IsString()
  @IsId()
  merchantId?: string;
}
