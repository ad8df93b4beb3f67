import { ApiProperty } from '@nestjs/swagger';
import { Equals, IsInt, IsNotEmpty, IsString, MaxLength, Min } from 'class-validator';
import { CLOSE_ACCOUNT_CONFIRMATION } from '@allycard/contracts';
import { NestedObject } from '../../common/validation';

export class PolicyDocumentDto {
  @ApiProperty({ example: '用户协议' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(64)
  title: string;

  @ApiProperty({ description: 'plain text; blank lines separate paragraphs' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(20000)
  body: string;
}

export class PublishPolicyDto {
  @ApiProperty({ type: PolicyDocumentDto })
  @NestedObject(() => PolicyDocumentDto)
  terms: PolicyDocumentDto;

  @ApiProperty({ type: PolicyDocumentDto })
  @NestedObject(() => PolicyDocumentDto)
  privacy: PolicyDocumentDto;
}

export class AcceptPolicyDto {
  @ApiProperty({ description: 'the PrivacyPolicy version shown to the member' })
  @IsInt()
  @Min(1)
  version: number;
}

export class CloseAccountDto {
  @ApiProperty({ description: `typed by the member: "${CLOSE_ACCOUNT_CONFIRMATION}"`, example: '注销' })
  @IsString()
  @Equals(CLOSE_ACCOUNT_CONFIRMATION, { message: `confirm must be "${CLOSE_ACCOUNT_CONFIRMATION}"` })
  confirm: string;
}
