import { Body, Controller, Get, HttpCode, Post, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type {
  MessageTemplateSetting,
  MessageTemplatesAnswer,
  MySubscription,
  SubscriptionQuota,
} from '@allycard/contracts';
import { CurrentPrincipal, Principal, Roles } from '../common/auth';
import { MessageTemplatesDto, SubscriptionsDto } from './dto/messages.dto';
import { MessageTemplatesService } from './message-templates.service';
import { SubscribeMessagesService } from './subscribe-messages.service';

@ApiTags('messages')
@ApiBearerAuth()
@Controller()
export class MessagesController {
  constructor(
    private readonly messages: SubscribeMessagesService,
    private readonly templates: MessageTemplatesService,
  ) {}

  /** What wx.requestSubscribeMessage answered: each accept allows one message of that template. */
  @Post('me/subscriptions')
  @HttpCode(200)
  @Roles('member')
  subscribe(
    @CurrentPrincipal() who: Principal,
    @Body() body: SubscriptionsDto,
  ): Promise<SubscriptionQuota[]> {
    return this.messages.recordAnswers(who, body.results);
  }

  /** The alliance's message kinds, their template ids and the consents the member has left. */
  @Get('me/subscriptions')
  @Roles('member')
  mine(@CurrentPrincipal() who: Principal): Promise<MySubscription[]> {
    return this.messages.mine(who);
  }

  @Get('admin/message-templates')
  @Roles('alliance_admin')
  list(@CurrentPrincipal() who: Principal): Promise<MessageTemplatesAnswer> {
    return this.templates.list(who.allianceId);
  }

  /** 消息模板: replaces the alliance's settings (a kind left out sends no more messages). */
  @Put('admin/message-templates')
  @Roles('alliance_admin')
  replace(
    @CurrentPrincipal() who: Principal,
    @Body() body: MessageTemplatesDto,
  ): Promise<MessageTemplatesAnswer> {
    return this.templates.replace(who.allianceId, body.templates as MessageTemplateSetting[]);
  }
}
