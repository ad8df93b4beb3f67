import { Injectable, Module } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { RetryableConflict, TransactionRunner } from '../src/common/transactions';
import {
  CouponClaimed,
  CouponUsed,
  DomainEvent,
  MemberJoined,
  OrderPaid,
  PointsPosted,
} from '../src/events/domain-events';
import { AfterCommit, EventBus, InTransaction } from '../src/events/event-bus';
import { factories } from './factories';
import { startTestApp, TestApp, TEST_DB } from './harness';
import { paidOrders } from './paid-orders';

/** A test subscriber: records what it sees, in both phases. */
@Injectable()
class Probe {
  inside: { event: DomainEvent; em: EntityManager }[] = [];
  after: DomainEvent[] = [];
  order: string[] = [];
  failInside = false;
  failAfter = false;
  /** coupons the after-commit listener read back in a transaction of its own */
  committedCoupons: (string | null)[] = [];

  constructor(private readonly tx: TransactionRunner) {}

  @InTransaction(CouponUsed)
  async usedInside(event: CouponUsed, em: EntityManager) {
    this.inside.push({ event, em });
    if (this.failInside) throw new Error('inside listener failed');
  }

  @AfterCommit(CouponUsed)
  usedAfter(event: CouponUsed) {
    this.after.push(event);
    this.order.push('usedAfter');
    if (this.failAfter) throw new Error('after-commit listener failed');
  }

  // Declared before `usedAfter` but runs after it: listeners run in name order.
  @AfterCommit(CouponUsed)
  zzUsedLast() {
    this.order.push('zzUsedLast');
  }

  @AfterCommit(CouponClaimed)
  async claimed(event: CouponClaimed) {
    this.after.push(event);
    const row = await this.tx.run((em) =>
      em.query('SELECT status FROM coupons WHERE id = ?', [event.coupon.id]),
    );
    this.committedCoupons.push(row[0]?.status ?? null);
  }

  @AfterCommit(MemberJoined)
  joined(event: MemberJoined) {
    this.after.push(event);
  }

  @AfterCommit(OrderPaid)
  paid(event: OrderPaid) {
    this.after.push(event);
  }

  @AfterCommit(PointsPosted)
  posted(event: PointsPosted) {
    this.after.push(event);
  }
}

@Module({ providers: [Probe] })
class ProbeModule {}

describe(`domain events (${TEST_DB})`, () => {
  let t: TestApp;
  let f: ReturnType<typeof factories>;
  let probe: Probe;
  let bus: EventBus;
  let tx: TransactionRunner;

  beforeAll(async () => {
    t = await startTestApp({}, [ProbeModule]);
    f = factories(t);
    probe = t.app.get(Probe);
    bus = t.app.get(EventBus);
    tx = t.app.get(TransactionRunner);
  });
  afterAll(() => t.close());
  beforeEach(() => {
    probe.inside = [];
    probe.after = [];
    probe.order = [];
    probe.failInside = probe.failAfter = false;
    probe.committedCoupons = [];
  });

  const used = () =>
    new CouponUsed({ id: '1', allianceId: '1', memberId: '1' }, '1', { orderId: '1' }, new Date());
  const seen = <E extends DomainEvent>(type: new (...args: never[]) => E) =>
    probe.after.filter((e): e is E => e instanceof type);

  describe('the bus and the transaction runner', () => {
    it('runs in-transaction listeners with the emitting transaction and after-commit ones once, after it', async () => {
      const event = used();
      let transaction: EntityManager | null = null;
      const result = await tx.run(async (em) => {
        transaction = em;
        await bus.publish(em, event);
        expect(probe.after).toEqual([]);
        return 'committed';
      });
      expect(result).toBe('committed');
      expect(probe.inside).toHaveLength(1);
      expect(probe.inside[0].em).toBe(transaction);
      expect(probe.after).toEqual([event]);
    });

    it('never runs after-commit listeners of a transaction that rolled back', async () => {
      await expect(
        tx.run(async (em) => {
          await bus.publish(em, used());
          throw new Error('the action failed');
        }),
      ).rejects.toThrow('the action failed');
      expect(probe.inside).toHaveLength(1);
      expect(probe.after).toEqual([]);
    });

    it('fails the action when an in-transaction listener throws', async () => {
      probe.failInside = true;
      await expect(tx.run((em) => bus.publish(em, used()))).rejects.toThrow('inside listener failed');
      expect(probe.after).toEqual([]);
    });

    it('runs after-commit listeners once when the transaction is retried after a conflict', async () => {
      let attempts = 0;
      const events: CouponUsed[] = [];
      await tx.run(async (em) => {
        const event = used();
        events.push(event);
        await bus.publish(em, event);
        if (++attempts === 1) throw new RetryableConflict('lost a guarded update');
      });
      expect(attempts).toBe(2);
      expect(probe.inside).toHaveLength(2);
      expect(probe.after).toEqual([events[1]]);
    });

    it('logs an after-commit listener error without failing the committed action', async () => {
      probe.failAfter = true;
      await expect(tx.run((em) => bus.publish(em, used()).then(() => 'ok'))).resolves.toBe('ok');
      expect(probe.after).toHaveLength(1);
    });

    it('runs the listeners of one event in name order, whatever order they were declared in', async () => {
      await tx.run((em) => bus.publish(em, used()));
      expect(probe.order).toEqual(['usedAfter', 'zzUsedLast']);
    });

    it('refuses to publish outside a transaction of the runner', async () => {
      await expect(bus.publish(t.dataSource.manager, used())).rejects.toThrow(/outside a transaction/);
    });
  });

  describe('what the modules emit', () => {
    it('MemberJoined once per member, with CouponClaimed for each join gift after the commit', async () => {
      const gift = await f.template({ joinGift: true, forwardable: false });
      const openid = `o_events_${f.unique()}`;
      const [first, again] = [await f.member({ openid }), await f.member({ openid })];
      expect(again.body.newlyJoined).toBe(false);
      expect(seen(MemberJoined).map((e) => e.member.id)).toEqual([first.member.id]);
      const claimed = seen(CouponClaimed).filter((e) => e.coupon.templateId === gift.id);
      expect(claimed.map((e) => [e.coupon.memberId, e.source])).toEqual([[first.member.id, 'join_gift']]);
      // The after-commit listener read the coupon back in a transaction of its own: committed.
      expect(probe.committedCoupons).toContain('available');
      expect(first.body.coupons.map((c: { templateId: string }) => c.templateId)).toContain(gift.id);
    });

    it('CouponClaimed once for a claim, however often its Idempotency-Key is replayed', async () => {
      const template = await f.template();
      const { token } = await f.member();
      const claim = () =>
        t.api('POST', `/offers/${template.id}/claim`, { token, headers: { 'Idempotency-Key': 'claim-1' } });
      const [a, b] = [await claim(), await claim()];
      expect(b.body.id).toBe(a.body.id);
      const ofTemplate = seen(CouponClaimed).filter((e) => e.coupon.templateId === template.id);
      expect(ofTemplate.map((e) => [e.coupon.id, e.source])).toEqual([[a.body.id, 'claim']]);
    });

    it('CouponUsed, OrderPaid and PointsPosted when an order is paid, and CouponUsed at the counter', async () => {
      const merchant = await f.merchant();
      const clerk = await f.staff(merchant.id);
      const template = await f.template({ perMemberLimit: 2 });
      const { token, member } = await f.member();
      const forOrder = await f.claim(token, template.id);
      const atCounter = await f.claim(token, template.id);
      probe.after = [];

      const order = await paidOrders(t).pay(token, {
        merchantId: merchant.id,
        amountFen: 2000,
        couponId: forOrder.id,
      });
      expect(seen(OrderPaid).map((e) => [e.order.id, e.order.status, e.order.pointsEarned])).toEqual([
        [order.id, 'paid', order.pointsEarned],
      ]);
      expect(seen(CouponUsed).map((e) => [e.coupon.id, e.merchantId, e.usedFor])).toEqual([
        [forOrder.id, merchant.id, { orderId: order.id }],
      ]);
      expect(
        seen(PointsPosted).map((e) => [e.transaction.memberId, e.transaction.kind, e.memberPoints]),
      ).toEqual([[member.id, 'earn', order.pointsEarned]]);

      const redemption = await f.purchase(clerk.token, token, 1000, atCounter.id);
      expect(seen(CouponUsed).map((e) => [e.coupon.id, e.usedFor])).toEqual([
        [forOrder.id, { orderId: order.id }],
        [atCounter.id, { redemptionId: redemption.id }],
      ]);
    });
  });
});
