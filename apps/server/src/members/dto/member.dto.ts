import { businessDate, parseBusinessDate } from '@allycard/domain';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  IsInt,
  IsNotEmpty,
  IsString,
  Matches,
  MaxLength,
  Min,
  Validate,
  ValidatorConstraint,
  ValidatorConstraintInterface,
} from 'class-validator';
import { IsOptionalNotNull } from '../../common/validation';

/** A WeChat one-time code (wx.login / getPhoneNumber). */
export class WechatCodeDto {
  @ApiProperty({ description: 'wx.login code (or, in the sandbox, POST /sandbox/wechat/login-code)' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(128)
  code: string;
}

/** POST /shares/:token/accept: the friend's wx.login code and the policy version agreed to. */
export class AcceptShareDto extends WechatCodeDto {
  @ApiPropertyOptional({
    description:
      'the version of GET /privacy-policy?share= agreed to; 409 POLICY_OUTDATED if not the current one',
  })
  @IsOptionalNotNull()
  @IsInt()
  @Min(1)
  policyVersion?: number;
}

export class JoinDto extends WechatCodeDto {
  @ApiPropertyOptional({ description: 'the 小程序码 scene the shopper scanned' })
  @IsOptionalNotNull()
  @IsString()
  @MaxLength(128)
  scene?: string;

  @ApiPropertyOptional({ description: "a coupon share token (accepting a friend's coupon)" })
  @IsOptionalNotNull()
  @IsString()
  @MaxLength(128)
  shareToken?: string;

  @ApiPropertyOptional({
    description:
      'the version of GET /privacy-policy the shopper agreed to; 409 POLICY_OUTDATED if not the current one',
  })
  @IsOptionalNotNull()
  @IsInt()
  @Min(1)
  policyVersion?: number;
}

@ValidatorConstraint({ name: 'pastDate' })
class PastCalendarDate implements ValidatorConstraintInterface {
  validate(value: unknown) {
    // A real date (not 2026-02-30) from 1900 up to today in Shanghai, whatever the server's zone.
    return (
      typeof value === 'string' &&
      parseBusinessDate(value) !== null &&
      value >= '1900-01-01' &&
      value <= businessDate(new Date())
    );
  }
  defaultMessage() {
    return 'birthday must be a past date YYYY-MM-DD';
  }
}

export class UpdateMeDto {
  @ApiPropertyOptional({ example: '小王' })
  @IsOptionalNotNull()
  @IsString()
  @Matches(/\S/, { message: 'nickname must not be blank' })
  @MaxLength(32)
  nickname?: string;

  @ApiPropertyOptional({ example: '1990-05-20' })
  @IsOptionalNotNull()
  @IsString()
  @Validate(PastCalendarDate)
  birthday?: string;
}

export class MemberLookupDto {
  @ApiProperty({ description: 'the rotating code from the member card' })
  @IsString()
  @Matches(/^\d{15,40}$/, { message: 'memberCode must be the digits of a member code' })
  memberCode: string;
}
