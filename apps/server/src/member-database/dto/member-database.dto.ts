import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { LIFECYCLES, type Lifecycle } from '@allycard/domain';
import type { AdminMemberSort } from '@allycard/contracts';
import { IsIn, IsInt, IsNotEmpty, IsString, Matches, Max, MaxLength, Min, NotEquals } from 'class-validator';
import { IsInstant, IsOptionalNotNull } from '../../common/validation';
import { IsId } from '../../common/ids';

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Why an operator acted, for the audit log: some text, not only spaces. */
const IsReason = () =>
  applyDecorators(
    IsString(),
    IsNotEmpty(),
    MaxLength(255),
    Matches(/\S/, { message: 'reason must not be blank' }),
  );
export const MEMBER_SORTS: AdminMemberSort[] = ['joinedAt', 'lastPurchaseAt', 'spendFen'];

/** Query strings stay strings: limits are digits here, read as numbers by the service. */
export class PageQueryDto {
  @ApiPropertyOptional({ description: '1–100, default 20', example: '20' })
  @IsOptionalNotNull()
  @IsString()
  @Matches(/^\d{1,3}$/, { message: 'limit must be an integer from 1 to 100' })
  limit?: string;

  @ApiPropertyOptional({ description: 'nextCursor of the previous page, as given (opaque, signed)' })
  @IsOptionalNotNull()
  @IsString()
  @MaxLength(512)
  cursor?: string;
}

export class MembersQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ description: 'a card number, a nickname (prefix) or a full phone number' })
  @IsOptionalNotNull()
  @IsString()
  @MaxLength(64)
  q?: string;

  @ApiPropertyOptional({ description: 'tier code' })
  @IsOptionalNotNull()
  @IsString()
  @MaxLength(32)
  tier?: string;

  @ApiPropertyOptional({ enum: LIFECYCLES })
  @IsOptionalNotNull()
  @IsIn(LIFECYCLES)
  lifecycle?: Lifecycle;

  @ApiPropertyOptional({ description: 'the merchant whose QR code the member joined by' })
  @IsOptionalNotNull()
  @IsString()
  @IsId()
  joinMerchantId?: string;

  @ApiPropertyOptional({
    description: 'joined on or after this business day (Asia/Shanghai)',
    example: '2026-11-01',
  })
  @IsOptionalNotNull()
  @IsString()
  @Matches(DATE, { message: 'joinedFrom must be YYYY-MM-DD' })
  joinedFrom?: string;

  @ApiPropertyOptional({ description: 'joined before this business day (exclusive)', example: '2026-12-01' })
  @IsOptionalNotNull()
  @IsString()
  @Matches(DATE, { message: 'joinedTo must be YYYY-MM-DD' })
  joinedTo?: string;

  @ApiPropertyOptional({
    enum: MEMBER_SORTS,
    description:
      'joinedAt (default): newest join first; lastPurchaseAt: latest purchase first, never-bought last; spendFen: highest spend first. Ties by id, newest first.',
  })
  @IsOptionalNotNull()
  @IsIn(MEMBER_SORTS)
  sort?: AdminMemberSort;
}

export class TierGrantDto {
  @ApiProperty({ example: 'gold' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(32)
  tierCode: string;

  @ApiProperty({
    description: 'ISO-8601 time with an offset; the grant runs until then',
    example: '2027-06-30T16:00:00Z',
  })
  @IsInstant()
  until: string;

  @ApiProperty({ example: '甄选 SVIP：年度大客户' })
  @IsReason()
  reason: string;
}

export class PointsAdjustmentDto {
  @ApiProperty({ description: 'non-zero: positive credits, negative debits (never below 0)', example: 200 })
  @IsInt()
  @NotEquals(0)
  @Min(-100_000_000)
  @Max(100_000_000)
  points: number;

  @ApiProperty({ example: '客诉补偿' })
  @IsReason()
  reason: string;
}

export class PhoneRevealDto {
  @ApiProperty({ example: '核实到店预约' })
  @IsReason()
  reason: string;
}

export class AuditLogQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ description: 'only the rows about this member' })
  @IsOptionalNotNull()
  @IsString()
  @IsId()
  memberId?: string;
}
