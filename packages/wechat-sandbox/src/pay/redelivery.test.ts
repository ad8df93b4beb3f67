import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { REDELIVERY_SCHEDULE_S } from './redelivery';
import { FakeClock, Receiver, createOrder, payApp, signed, type PayApp } from './test-support';

let receiver: Receiver;
let dir: string;
beforeAll(async () => {
  receiver = await Receiver.start();
});
afterAll(() => receiver.close());
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'sandbox-redelivery-'));
  receiver.status = 200;
  receiver.script = [];
  receiver.received.length = 0;
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const stateFile = () => join(dir, 'pay-state.json');

async function paidOrder(pay: PayApp, outTradeNo: string) {
  await createOrder(pay, outTradeNo, receiver.url).expect(200);
  return request(pay.app).post(`/sandbox/wechat/pay/${outTradeNo}/confirm`).expect(200);
}

function view(pay: PayApp, outTradeNo: string) {
  return request(pay.app).get(`/sandbox/wechat/pay/${outTradeNo}`).expect(200);
}

describe('redelivery of notifications not answered 2xx', () => {
  it("follows WeChat's documented schedule: 15s/15s/30s/3m/10m/20m/30m/30m/30m/60m/3h/3h/3h/6h/6h", () => {
    expect(
      REDELIVERY_SCHEDULE_S.map((s) => (s < 60 ? `${s}s` : s <= 3600 ? `${s / 60}m` : `${s / 3600}h`)),
    ).toEqual('15s/15s/30s/3m/10m/20m/30m/30m/30m/60m/3h/3h/3h/6h/6h'.split('/'));
  });

  it('redelivers the same notification after a 500 until the receiver answers 204, then stops', async () => {
    const pay = payApp({ redeliveryScale: 0.001 }); // 15 ms, 15 ms, 30 ms, 180 ms, …
    receiver.script = [500, 500, 500];
    receiver.status = 204;
    const first = await paidOrder(pay, 'REDELIVER-500-01');
    expect(first.body).toEqual({ delivered: false, httpStatus: 500 });
    expect(pay.sandbox.pay.pendingRedeliveries).toBe(1);

    await pay.sandbox.pay.redeliveriesIdle();
    expect(receiver.received).toHaveLength(4);
    // The same event, byte for byte, each time (fresh signature headers).
    expect(new Set(receiver.received.map((r) => r.body)).size).toBe(1);
    const gaps = receiver.received.slice(1).map((r, i) => r.arrivedAt - receiver.received[i]!.arrivedAt);
    [15, 15, 30].forEach((ms, i) => expect(gaps[i]).toBeGreaterThanOrEqual(ms - 2));
    const deliveries = (await view(pay, 'REDELIVER-500-01')).body.deliveries;
    expect(deliveries.map((d: { httpStatus: number }) => d.httpStatus)).toEqual([500, 500, 500, 204]);
    expect(deliveries.at(-1).delivered).toBe(true);
    expect((await view(pay, 'REDELIVER-500-01')).body.redeliveries).toEqual([]);
    expect(pay.sandbox.pay.pendingRedeliveries).toBe(0);
    // Nothing more comes once it was acknowledged.
    await new Promise((r) => setTimeout(r, 250));
    expect(receiver.received).toHaveLength(4);
  });

  it('redelivers when nothing answers at all (connection refused), on the order of the schedule', async () => {
    const pay = payApp({ redeliveryScale: 0.00005 }); // the whole 24 h in about 4.4 s
    await createOrder(pay, 'REDELIVER-GONE-01', 'http://127.0.0.1:9/notify').expect(200);
    const first = await request(pay.app).post('/sandbox/wechat/pay/REDELIVER-GONE-01/confirm').expect(200);
    expect(first.body).toMatchObject({ delivered: false, httpStatus: null });
    await pay.sandbox.pay.redeliveriesIdle();
    const deliveries = (await view(pay, 'REDELIVER-GONE-01')).body.deliveries;
    // The original attempt and 15 redeliveries, then WeChat gives up.
    expect(deliveries).toHaveLength(1 + REDELIVERY_SCHEDULE_S.length);
    expect(deliveries.every((d: { delivered: boolean }) => !d.delivered)).toBe(true);
    expect(pay.sandbox.pay.pendingRedeliveries).toBe(0);
  }, 20_000);

  it('redelivers refund notifications too', async () => {
    const pay = payApp({ redeliveryScale: 0.001, refundDelayMs: 5 });
    await paidOrder(pay, 'REDELIVER-RF-01');
    receiver.script = [503, 500];
    receiver.status = 200;
    await signed(pay, {
      method: 'POST',
      pathAndQuery: '/v3/refund/domestic/refunds',
      body: {
        out_trade_no: 'REDELIVER-RF-01',
        out_refund_no: 'REDELIVER-RF-01-R1',
        notify_url: receiver.url,
        amount: { refund: 100, total: 2500, currency: 'CNY' },
      },
    }).expect(200);
    await pay.sandbox.pay.idle();
    await pay.sandbox.pay.redeliveriesIdle();
    const refundDeliveries = (await view(pay, 'REDELIVER-RF-01')).body.deliveries.filter(
      (d: { eventType: string }) => d.eventType === 'REFUND.SUCCESS',
    );
    expect(refundDeliveries.map((d: { httpStatus: number }) => d.httpStatus)).toEqual([503, 500, 200]);
    expect(
      refundDeliveries.every((d: { outRefundNo: string }) => d.outRefundNo === 'REDELIVER-RF-01-R1'),
    ).toBe(true);
  });

  it('ends the schedule when the test-facing redeliver is acknowledged', async () => {
    const pay = payApp({ redeliveryScale: 1 });
    receiver.status = 500;
    await paidOrder(pay, 'REDELIVER-MANUAL-01');
    expect((await view(pay, 'REDELIVER-MANUAL-01')).body.redeliveries).toEqual([
      { eventId: expect.any(String), attempt: 1, dueAt: new Date(pay.clock.now() + 15_000).toISOString() },
    ]);
    receiver.status = 200;
    const manual = await request(pay.app).post('/sandbox/wechat/pay/REDELIVER-MANUAL-01/redeliver');
    expect(manual.body).toEqual({ delivered: true, httpStatus: 200 });
    expect(pay.sandbox.pay.pendingRedeliveries).toBe(0);
    expect((await view(pay, 'REDELIVER-MANUAL-01')).body.redeliveries).toEqual([]);
  });

  it('never redelivers with redeliveryScale 0', async () => {
    const pay = payApp({ redeliveryScale: 0 });
    receiver.status = 500;
    await paidOrder(pay, 'REDELIVER-OFF-01');
    expect(pay.sandbox.pay.pendingRedeliveries).toBe(0);
    expect((await view(pay, 'REDELIVER-OFF-01')).body.redeliveries).toEqual([]);
  });

  it('resumes pending redeliveries after a restart, at their due time', async () => {
    const clock = new FakeClock();
    const first = payApp({ clock, stateFile: stateFile(), redeliveryScale: 1 });
    receiver.status = 500;
    await paidOrder(first, 'REDELIVER-RESTART-01');
    const eventId = JSON.parse(receiver.last.body).id as string;
    expect(first.sandbox.pay.pendingRedeliveries).toBe(1);
    first.sandbox.pay.close(); // the process dies; the redelivery due in 15 s is in the file

    clock.advance(15_000);
    receiver.status = 204;
    const restarted = payApp({ clock, stateFile: stateFile(), redeliveryScale: 1 });
    expect(restarted.sandbox.pay.pendingRedeliveries).toBe(1);
    restarted.sandbox.pay.start(); // what the server does for the sandbox it talks to
    await restarted.sandbox.pay.redeliveriesIdle();
    expect(receiver.received).toHaveLength(2);
    expect(JSON.parse(receiver.last.body).id).toBe(eventId);
    expect((await view(restarted, 'REDELIVER-RESTART-01')).body.deliveries.at(-1)).toMatchObject({
      delivered: true,
      httpStatus: 204,
    });

    // Acknowledged is remembered: a third start has nothing to redeliver.
    restarted.sandbox.pay.close();
    const third = payApp({ clock, stateFile: stateFile(), redeliveryScale: 1 });
    expect(third.sandbox.pay.pendingRedeliveries).toBe(0);
  });

  it('redelivers after a restart a notification whose first attempt the sandbox never finished', async () => {
    const clock = new FakeClock();
    const first = payApp({ clock, stateFile: stateFile(), redeliveryScale: 1, deliveryTimeoutMs: 60_000 });
    await createOrder(first, 'REDELIVER-MIDAIR-01', receiver.url).expect(200);
    // The receiver never answers this one: the sandbox "dies" with the attempt in the air.
    receiver.script = [];
    const hang = receiver.hangNext();
    void request(first.app)
      .post('/sandbox/wechat/pay/REDELIVER-MIDAIR-01/confirm')
      .then(
        () => undefined,
        () => undefined,
      );
    await hang.arrived;
    first.sandbox.pay.close();

    clock.advance(15_000);
    const restarted = payApp({ clock, stateFile: stateFile(), redeliveryScale: 1 });
    restarted.sandbox.pay.start();
    await restarted.sandbox.pay.redeliveriesIdle();
    expect(receiver.received).toHaveLength(2);
    expect(receiver.received[1]!.body).toBe(receiver.received[0]!.body);
    hang.release();
  });
});
