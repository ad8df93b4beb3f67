import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsString, Max, Min, ValidateIf } from 'class-validator';
import { IsId } from '../../common/ids';

export class SpendGetRuleDto {
  @ApiPropertyOptional({ nullable: true, description: 'only purchases at this merchant (null/absent: all)' })
  @ValidateIf((_, v) => v !== null && v !== undefined)
  @IsString()
  @IsId()
  merchantId?: string | null;

  @ApiProperty({ example: 10_000, description: 'the least paid amount, in fen (1–10,000,000)' })
  @IsInt()
  @Min(1)
  @Max(10_000_000)
  minPaidFen: number;

  @ApiProperty({ description: "one of the alliance's coupon templates, issued once per purchase" })
  @IsString()
  @IsId()
  templateId: string;
}
