import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { MembersModule } from '../members/members.module';
import { MessageSubscription, MessageTemplate, SentMessage } from './message.entities';
import { MessageTemplatesService } from './message-templates.service';
import { MessagesController } from './messages.controller';
import { SubscribeMessagesService } from './subscribe-messages.service';

/**
 * WeChat subscribe messages (issue 12): templates per alliance, members' consents, one message per
 * cause through the outbox. Other modules (campaigns) send with SubscribeMessagesService.enqueue.
 */
@Module({
  imports: [TypeOrmModule.forFeature([MessageTemplate, MessageSubscription, SentMessage]), MembersModule],
  controllers: [MessagesController],
  providers: [MessageTemplatesService, SubscribeMessagesService],
  exports: [SubscribeMessagesService, MessageTemplatesService],
})
export class MessagesModule {}
