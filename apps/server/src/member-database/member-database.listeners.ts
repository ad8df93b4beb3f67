import { Injectable } from '@nestjs/common';
import { PurchaseMade } from '../events/domain-events';
import { AfterCommit } from '../events/event-bus';
import { RfmService } from './rfm.service';

/** Keeps a member's R/F/M current after each of its purchases (the nightly job makes them exact). */
@Injectable()
export class MemberDatabaseListeners {
  constructor(private readonly rfm: RfmService) {}

  @AfterCommit(PurchaseMade)
  async refreshRfm(event: PurchaseMade) {
    await this.rfm.refresh(event.member.allianceId, event.member.id, event.at);
  }
}
