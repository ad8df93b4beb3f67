import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AlliancesModule } from '../alliances/alliances.module';
import { CouponsModule } from '../coupons/coupons.module';
import { MembersModule } from '../members/members.module';
import { PointsModule } from '../points/points.module';
import { KindMessages } from './kind-messages.service';
import { MessageSubscription, MessageTemplate, SentMessage } from './message.entities';
import { MessageTemplatesService } from './message-templates.service';
import { MessagesController } from './messages.controller';
import { MessagesJobs } from './messages.jobs';
import { MessagesListeners } from './messages.listeners';
import { SubscribeMessagesService } from './subscribe-messages.service';
import { SubscribeMessagesBatch } from './subscribe-messages-batch.service';

/**
 * WeChat subscribe messages (issue 12): templates per alliance, members' consents, one message per
 * cause through the outbox. Other modules send with SubscribeMessagesService.enqueue, a campaign's
 * batch with SubscribeMessagesBatch.enqueueMany.
 */
@Module({
  imports: [
    TypeOrmModule.forFeature([MessageTemplate, MessageSubscription, SentMessage]),
    MembersModule,
    AlliancesModule,
    CouponsModule,
    PointsModule,
  ],
  controllers: [MessagesController],
  providers: [
    MessageTemplatesService,
    SubscribeMessagesService,
    SubscribeMessagesBatch,
    KindMessages,
    MessagesListeners,
    MessagesJobs,
  ],
  exports: [SubscribeMessagesService, SubscribeMessagesBatch, MessageTemplatesService],
})
export class MessagesModule {}
