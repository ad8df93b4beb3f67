import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { OutboxDispatcher } from './outbox.dispatcher';
import { OutboxMessage } from './outbox.entity';
import { OutboxJobs } from './outbox.jobs';
import { OutboxService } from './outbox.service';

/** The transactional outbox: any module enqueues in its transaction and registers senders for its topics. */
@Global()
@Module({
  imports: [TypeOrmModule.forFeature([OutboxMessage])],
  providers: [OutboxService, OutboxDispatcher, OutboxJobs],
  exports: [OutboxService, OutboxDispatcher],
})
export class OutboxModule {}
