import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { stateFileBeside } from './state';
import {
  FakeClock,
  MCHID,
  Receiver,
  createOrder,
  payApp,
  queryOrder,
  signed,
  type PayApp,
} from './test-support';

let dir: string;
let receiver: Receiver;
beforeAll(async () => {
  receiver = await Receiver.start();
});
afterAll(() => receiver.close());
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'sandbox-state-'));
  receiver.status = 200;
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A sandbox on `dir`'s state file; a second call is the restarted one (a new instance, same file). */
function sandboxOn(clock: FakeClock, options: { redeliveryScale?: number; refundDelayMs?: number } = {}) {
  return payApp({ clock, stateFile: join(dir, 'wechat-sandbox-keys.pay-state.json'), ...options });
}

function refund(pay: PayApp, outTradeNo: string, outRefundNo: string, amount: number) {
  return signed(pay, {
    method: 'POST',
    pathAndQuery: '/v3/refund/domestic/refunds',
    body: {
      out_trade_no: outTradeNo,
      out_refund_no: outRefundNo,
      notify_url: receiver.url,
      amount: { refund: amount, total: 2500, currency: 'CNY' },
    },
  });
}

function queryRefund(pay: PayApp, outRefundNo: string) {
  return signed(pay, { method: 'GET', pathAndQuery: `/v3/refund/domestic/refunds/${outRefundNo}` });
}

describe('the pay state file', () => {
  it('lies beside the key file', () => {
    expect(stateFileBeside('/srv/data/wechat-sandbox-keys.json')).toBe(
      '/srv/data/wechat-sandbox-keys.pay-state.json',
    );
  });

  it('lets a restarted sandbox answer order and refund queries for what it confirmed', async () => {
    const clock = new FakeClock();
    const first = sandboxOn(clock);
    await createOrder(first, 'STATE-PAID-01', receiver.url).expect(200);
    await createOrder(first, 'STATE-OPEN-01', receiver.url).expect(200);
    await request(first.app).post('/sandbox/wechat/pay/STATE-PAID-01/confirm').expect(200);
    await refund(first, 'STATE-PAID-01', 'STATE-RF-01', 1000).expect(200);
    await first.sandbox.pay.idle();
    const before = (await queryOrder(first, 'STATE-PAID-01')).body;
    const refundBefore = (await queryRefund(first, 'STATE-RF-01')).body;
    expect(refundBefore.status).toBe('SUCCESS');
    first.sandbox.pay.close();

    const restarted = sandboxOn(clock);
    const after = await queryOrder(restarted, 'STATE-PAID-01');
    expect(after.status).toBe(200);
    expect(after.body).toEqual(before);
    expect(after.body).toMatchObject({ trade_state: 'REFUND', out_trade_no: 'STATE-PAID-01' });
    // By WeChat's own id too.
    const byId = await signed(restarted, {
      method: 'GET',
      pathAndQuery: `/v3/pay/transactions/id/${before.transaction_id}?mchid=${MCHID}`,
    });
    expect(byId.body).toEqual(before);
    expect((await queryRefund(restarted, 'STATE-RF-01')).body).toEqual(refundBefore);
    expect((await queryOrder(restarted, 'STATE-OPEN-01')).body.trade_state).toBe('NOTPAY');
    // What it remembers still binds it: the same out_refund_no answers the same refund, the order
    // cannot be refunded past its total, nor paid twice.
    expect((await refund(restarted, 'STATE-PAID-01', 'STATE-RF-01', 1000)).body).toEqual(refundBefore);
    const over = await refund(restarted, 'STATE-PAID-01', 'STATE-RF-02', 1501);
    expect(over.status).toBe(403);
    expect(over.body.code).toBe('NOT_ENOUGH');
    const again = await request(restarted.app).post('/sandbox/wechat/pay/STATE-PAID-01/confirm');
    expect(again.body.error.code).toBe('ALREADY_PAID');
    // The test-facing view keeps the delivery history.
    const view = await request(restarted.app).get('/sandbox/wechat/pay/STATE-PAID-01');
    expect(view.body.deliveries.map((d: { eventType: string }) => d.eventType)).toEqual([
      'TRANSACTION.SUCCESS',
      'REFUND.SUCCESS',
    ]);
    // Only the state file is left in the directory: every write went through a renamed temporary.
    expect(readdirSync(dir)).toEqual(['wechat-sandbox-keys.pay-state.json']);
  });

  it('settles after a restart a refund that was still PROCESSING, and notifies it', async () => {
    const clock = new FakeClock();
    const first = sandboxOn(clock, { refundDelayMs: 60_000 });
    await createOrder(first, 'STATE-SLOW-01', receiver.url).expect(200);
    await request(first.app).post('/sandbox/wechat/pay/STATE-SLOW-01/confirm').expect(200);
    expect((await refund(first, 'STATE-SLOW-01', 'STATE-RF-SLOW', 2500)).body.status).toBe('PROCESSING');
    first.sandbox.pay.close();
    const received = receiver.received.length;

    const restarted = sandboxOn(clock, { refundDelayMs: 10 });
    expect((await queryRefund(restarted, 'STATE-RF-SLOW')).body.status).toBe('PROCESSING');
    await restarted.sandbox.pay.idle();
    expect((await queryRefund(restarted, 'STATE-RF-SLOW')).body.status).toBe('SUCCESS');
    expect(receiver.received.length).toBe(received + 1);
    expect(JSON.parse(receiver.last.body).event_type).toBe('REFUND.SUCCESS');
  });

  it('starts empty without a file, and refuses a file it cannot read rather than overwrite it', async () => {
    const clock = new FakeClock();
    const fresh = sandboxOn(clock);
    expect((await queryOrder(fresh, 'STATE-NONE-01')).status).toBe(404);
    expect(existsSync(join(dir, 'wechat-sandbox-keys.pay-state.json'))).toBe(false);

    writeFileSync(join(dir, 'wechat-sandbox-keys.pay-state.json'), '{"format":"something else"}');
    expect(() => sandboxOn(clock)).toThrow(/state file .* is unusable .*delete it/);
  });
});
