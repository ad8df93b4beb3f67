import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsString, Matches, Max, Min, ValidateIf } from 'class-validator';

const ID = /^\d{1,19}$/;

export class SpendGetRuleDto {
  @ApiPropertyOptional({ nullable: true, description: 'only purchases at this merchant (null/absent: all)' })
  @ValidateIf((_, v) => v !== null && v !== undefined)
  @IsString()
  @Matches(ID, { message: 'merchantId must be an id' })
  merchantId?: string | null;

  @ApiProperty({ example: 10_000, description: 'the least paid amount, in fen (1–10,000,000)' })
  @IsInt()
  @Min(1)
  @Max(10_000_000)
  minPaidFen: number;

  @ApiProperty({ description: "one of the alliance's coupon templates, issued once per purchase" })
  @IsString()
  @Matches(ID, { message: 'templateId must be an id' })
  templateId: string;
}
