import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  IsNotEmpty,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  Validate,
  ValidatorConstraint,
  ValidatorConstraintInterface,
} from 'class-validator';
import dayjs from 'dayjs';

/** A WeChat one-time code (wx.login / getPhoneNumber). */
export class WechatCodeDto {
  @ApiProperty({ description: 'wx.login code (or, in the sandbox, POST /sandbox/wechat/login-code)' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(128)
  code: string;
}

export class JoinDto extends WechatCodeDto {
  @ApiPropertyOptional({ description: 'the 小程序码 scene the shopper scanned' })
  @IsOptional()
  @IsString()
  @MaxLength(128)
  scene?: string;

  @ApiPropertyOptional({ description: "a coupon share token (accepting a friend's coupon)" })
  @IsOptional()
  @IsString()
  @MaxLength(128)
  shareToken?: string;
}

@ValidatorConstraint({ name: 'pastDate' })
class PastCalendarDate implements ValidatorConstraintInterface {
  validate(value: unknown) {
    if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
    const date = dayjs(value, 'YYYY-MM-DD');
    // Round-trip rejects 2026-02-30; the range rejects the future and the implausible.
    return (
      date.isValid() && date.format('YYYY-MM-DD') === value && value >= '1900-01-01' && !date.isAfter(dayjs())
    );
  }
  defaultMessage() {
    return 'birthday must be a past date YYYY-MM-DD';
  }
}

export class UpdateMeDto {
  @ApiPropertyOptional({ example: '小王' })
  @IsOptional()
  @IsString()
  @Matches(/\S/, { message: 'nickname must not be blank' })
  @MaxLength(32)
  nickname?: string;

  @ApiPropertyOptional({ example: '1990-05-20' })
  @IsOptional()
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
