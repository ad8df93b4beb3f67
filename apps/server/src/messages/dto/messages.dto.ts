import { ApiProperty } from '@nestjs/swagger';
import { ArrayMaxSize, IsIn, IsObject, IsString, Matches, MaxLength } from 'class-validator';
import { MESSAGE_KINDS } from '@allycard/domain';
import { IsOptionalNotNull, NestedObjectArray } from '../../common/validation';

export class SubscriptionsDto {
  @ApiProperty({
    description: 'what wx.requestSubscribeMessage answered: {[templateId]: "accept" | "reject"}',
    example: { 'sandbox-coupon-expiring': 'accept' },
  })
  @IsObject()
  results: Record<string, 'accept' | 'reject'>;
}

export class MessageTemplateSettingDto {
  @ApiProperty({ enum: MESSAGE_KINDS })
  @IsIn(MESSAGE_KINDS)
  kind: string;

  @ApiProperty({ description: "WeChat's template id (小程序后台 → 订阅消息 → 我的模板)" })
  @IsString()
  @Matches(/^[A-Za-z0-9_-]{1,64}$/, { message: 'templateId must be 1–64 letters, digits, _ or -' })
  templateId: string;

  @ApiProperty({
    required: false,
    description: 'the mini-program page the message opens; the kind’s default otherwise',
  })
  @IsOptionalNotNull()
  @IsString()
  @MaxLength(255)
  page?: string;

  @ApiProperty({ description: '{keyword: field}, e.g. {"thing1": "couponTitle", "time2": "validUntil"}' })
  @IsObject()
  fields: Record<string, string>;
}

export class MessageTemplatesDto {
  @ApiProperty({ type: [MessageTemplateSettingDto] })
  @NestedObjectArray(() => MessageTemplateSettingDto)
  @ArrayMaxSize(MESSAGE_KINDS.length * 2)
  templates: MessageTemplateSettingDto[];
}
