import request from 'supertest';
import { decryptResource } from './crypto';
import { MCHID, Receiver, createOrder, payApp, queryOrder, signed, type PayApp } from './test-support';

let pay: PayApp;
let receiver: Receiver;
beforeAll(async () => {
  pay = payApp();
  receiver = await Receiver.start();
});
afterAll(async () => {
  await pay.sandbox.pay.idle();
  await receiver.close();
});

async function paidOrder(outTradeNo: string, total = 1000): Promise<string> {
  await createOrder(pay, outTradeNo, receiver.url, { amount: { total, currency: 'CNY' } }).expect(200);
  await request(pay.app).post(`/sandbox/wechat/pay/${outTradeNo}/confirm`).expect(200);
  return (await queryOrder(pay, outTradeNo)).body.transaction_id as string;
}

function refund(body: Record<string, unknown>) {
  return signed(pay, { method: 'POST', pathAndQuery: '/v3/refund/domestic/refunds', body });
}

function refundBody(outTradeNo: string, outRefundNo: string, amount: number, total = 1000, extra = {}) {
  return {
    out_trade_no: outTradeNo,
    out_refund_no: outRefundNo,
    reason: 'customer changed mind',
    notify_url: receiver.url,
    amount: { refund: amount, total, currency: 'CNY' },
    ...extra,
  };
}

function queryRefund(outRefundNo: string) {
  return signed(pay, { method: 'GET', pathAndQuery: `/v3/refund/domestic/refunds/${outRefundNo}` });
}

describe('POST /v3/refund/domestic/refunds', () => {
  it('refunds part, then the rest, then refuses more with 403 NOT_ENOUGH', async () => {
    const transactionId = await paidOrder('REFUND-PART-01');
    const first = await refund(refundBody('REFUND-PART-01', 'RF-PART-01-A', 300));
    expect(first.status).toBe(200);
    expect(first.body).toEqual({
      refund_id: expect.stringMatching(/^50\d{27}$/),
      out_refund_no: 'RF-PART-01-A',
      transaction_id: transactionId,
      out_trade_no: 'REFUND-PART-01',
      channel: 'ORIGINAL',
      user_received_account: '支付用户零钱',
      create_time: '2025-06-01T16:00:00+08:00',
      status: 'PROCESSING',
      funds_account: 'AVAILABLE',
      amount: {
        total: 1000,
        refund: 300,
        from: [],
        payer_total: 1000,
        payer_refund: 300,
        settlement_refund: 300,
        settlement_total: 1000,
        discount_refund: 0,
        currency: 'CNY',
      },
      promotion_detail: [],
    });
    expect((await queryOrder(pay, 'REFUND-PART-01')).body).toMatchObject({
      trade_state: 'REFUND',
      trade_state_desc: '转入退款',
    });

    const over = await refund(refundBody('REFUND-PART-01', 'RF-PART-01-B', 701));
    expect(over.status).toBe(403);
    expect(over.body).toEqual({ code: 'NOT_ENOUGH', message: expect.any(String) });

    const rest = await refund(refundBody('REFUND-PART-01', 'RF-PART-01-C', 700));
    expect(rest.status).toBe(200);
    const more = await refund(refundBody('REFUND-PART-01', 'RF-PART-01-D', 1));
    expect(more.status).toBe(403);
    expect(more.body.code).toBe('NOT_ENOUGH');
  });

  it('answers the same refund for the same out_refund_no, without refunding twice', async () => {
    await paidOrder('REFUND-SAME-01');
    const first = await refund(refundBody('REFUND-SAME-01', 'RF-SAME-01', 1000));
    const again = await refund(refundBody('REFUND-SAME-01', 'RF-SAME-01', 1000));
    expect(again.status).toBe(200);
    expect(again.body.refund_id).toBe(first.body.refund_id);
    const view = await request(pay.app).get('/sandbox/wechat/pay/REFUND-SAME-01');
    expect(view.body.refunds).toHaveLength(1);
  });

  it('finds the order by transaction_id as well', async () => {
    const transactionId = await paidOrder('REFUND-BYID-01');
    const res = await refund({
      transaction_id: transactionId,
      out_refund_no: 'RF-BYID-01',
      amount: { refund: 100, total: 1000, currency: 'CNY' },
    });
    expect(res.status).toBe(200);
    expect(res.body.out_trade_no).toBe('REFUND-BYID-01');
  });

  it('refuses an unpaid order (400 INVALID_REQUEST) and an unknown one (404)', async () => {
    await createOrder(pay, 'REFUND-UNPAID-01', receiver.url, { amount: { total: 1000 } }).expect(200);
    const unpaid = await refund(refundBody('REFUND-UNPAID-01', 'RF-UNPAID-01', 100));
    expect(unpaid.status).toBe(400);
    expect(unpaid.body.code).toBe('INVALID_REQUEST');
    const unknown = await refund(refundBody('REFUND-NONE-01', 'RF-NONE-01', 100));
    expect(unknown.status).toBe(404);
    expect(unknown.body.code).toBe('RESOURCE_NOT_EXISTS');
  });

  it('refuses a total other than the order amount, and an out_refund_no of another order', async () => {
    await paidOrder('REFUND-TOTAL-01');
    const total = await refund(refundBody('REFUND-TOTAL-01', 'RF-TOTAL-01', 100, 999));
    expect(total.status).toBe(400);
    expect(total.body.code).toBe('INVALID_REQUEST');

    await paidOrder('REFUND-TOTAL-02');
    await refund(refundBody('REFUND-TOTAL-01', 'RF-TOTAL-SHARED', 100)).expect(200);
    const shared = await refund(refundBody('REFUND-TOTAL-02', 'RF-TOTAL-SHARED', 100));
    expect(shared.status).toBe(400);
    expect(shared.body.code).toBe('INVALID_REQUEST');
  });

  it.each([
    ['no out_refund_no', { out_refund_no: undefined }, '/out_refund_no'],
    ['neither out_trade_no nor transaction_id', { out_trade_no: undefined }, '/out_trade_no'],
    ['a zero refund', { amount: { refund: 0, total: 1000, currency: 'CNY' } }, '/amount/refund'],
    ['no currency', { amount: { refund: 1, total: 1000 } }, '/amount/currency'],
    ['no total', { amount: { refund: 1, currency: 'CNY' } }, '/amount/total'],
    ['a notify_url with a query', { notify_url: 'https://m.example.com/n?x=1' }, '/notify_url'],
  ])('refuses %s with PARAM_ERROR', async (_case, overrides, field) => {
    const res = await refund(refundBody('REFUND-PARAM-01', 'RF-PARAM-01', 1, 1000, overrides));
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'PARAM_ERROR', detail: { field } });
  });
});

describe('refund settlement', () => {
  // Refunds of earlier tests settle (and notify) on their own; let them finish before counting.
  beforeEach(() => pay.sandbox.pay.idle());

  it('succeeds after a moment and notifies REFUND.SUCCESS to the refund notify_url', async () => {
    const transactionId = await paidOrder('REFUND-ASYNC-01');
    const before = receiver.received.length;
    await refund(refundBody('REFUND-ASYNC-01', 'RF-ASYNC-01', 400)).expect(200);
    const processing = await queryRefund('RF-ASYNC-01');
    expect(processing.body.status).toBe('PROCESSING');
    expect(processing.body.success_time).toBeUndefined();

    pay.clock.advance(1000);
    await pay.sandbox.pay.idle();
    const done = await queryRefund('RF-ASYNC-01');
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ status: 'SUCCESS', success_time: '2025-06-01T16:00:01+08:00' });

    expect(receiver.received.length).toBe(before + 1);
    const { body } = receiver.last;
    const notification = JSON.parse(body);
    expect(notification).toMatchObject({
      event_type: 'REFUND.SUCCESS',
      summary: '退款成功',
      resource_type: 'encrypt-resource',
      resource: { original_type: 'refund', associated_data: 'refund', algorithm: 'AEAD_AES_256_GCM' },
    });
    expect(JSON.parse(decryptResource(pay.keys.apiV3Key, notification.resource))).toEqual({
      mchid: MCHID,
      out_trade_no: 'REFUND-ASYNC-01',
      transaction_id: transactionId,
      out_refund_no: 'RF-ASYNC-01',
      refund_id: done.body.refund_id,
      refund_status: 'SUCCESS',
      success_time: '2025-06-01T16:00:01+08:00',
      amount: { total: 1000, refund: 400, payer_total: 1000, payer_refund: 400 },
      user_received_account: '支付用户零钱',
    });

    const view = await request(pay.app).get('/sandbox/wechat/pay/REFUND-ASYNC-01');
    expect(view.body.refunds).toEqual([
      expect.objectContaining({ out_refund_no: 'RF-ASYNC-01', status: 'SUCCESS' }),
    ]);
    expect(view.body.deliveries.map((d: { eventType: string }) => d.eventType)).toEqual([
      'TRANSACTION.SUCCESS',
      'REFUND.SUCCESS',
    ]);
    expect(view.body.deliveries[1]).toMatchObject({
      outRefundNo: 'RF-ASYNC-01',
      delivered: true,
      httpStatus: 200,
    });

    // The test-facing redeliver sends the same body again.
    const again = await request(pay.app).post('/sandbox/wechat/pay/refunds/RF-ASYNC-01/redeliver');
    expect(again.body).toEqual({ delivered: true, httpStatus: 200 });
    expect(receiver.last.body).toBe(body);
  });

  it('notifies nothing for a refund without notify_url, and says so on redeliver', async () => {
    await paidOrder('REFUND-QUIET-01');
    const before = receiver.received.length;
    await refund(refundBody('REFUND-QUIET-01', 'RF-QUIET-01', 100, 1000, { notify_url: undefined })).expect(
      200,
    );
    const early = await request(pay.app).post('/sandbox/wechat/pay/refunds/RF-QUIET-01/redeliver');
    expect(early.status).toBe(409);
    expect(early.body.error.code).toBe('REFUND_PROCESSING');
    await pay.sandbox.pay.idle();
    expect(receiver.received.length).toBe(before);
    expect((await queryRefund('RF-QUIET-01')).body.status).toBe('SUCCESS');
    const res = await request(pay.app).post('/sandbox/wechat/pay/refunds/RF-QUIET-01/redeliver');
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('NO_NOTIFY_URL');
  });

  it('answers 404 for an unknown refund on both sides', async () => {
    const res = await queryRefund('RF-NONE-01');
    expect(res.status).toBe(404);
    expect(res.body.code).toBe('RESOURCE_NOT_EXISTS');
    const redeliver = await request(pay.app).post('/sandbox/wechat/pay/refunds/RF-NONE-01/redeliver');
    expect(redeliver.status).toBe(404);
    expect(redeliver.body.error.code).toBe('NOT_FOUND');
  });
});

describe('holding refund requests (for crash tests)', () => {
  afterEach(() => pay.sandbox.pay.holdRefunds(null));

  async function parked(count: number) {
    for (let i = 0; i < 100 && pay.sandbox.pay.heldRefunds !== count; i++)
      await new Promise((r) => setTimeout(r, 10));
    expect(pay.sandbox.pay.heldRefunds).toBe(count);
  }

  it("'unanswered' takes the refund and parks the answer until the hold is lifted", async () => {
    await paidOrder('REFUND-HOLD-01');
    pay.sandbox.pay.holdRefunds('unanswered');
    const answer = refund(refundBody('REFUND-HOLD-01', 'RF-HOLD-01', 100)).then((r) => r);
    await parked(1);
    expect((await queryRefund('RF-HOLD-01')).status).toBe(200);
    pay.sandbox.pay.holdRefunds(null);
    expect((await answer).status).toBe(200);
    expect(pay.sandbox.pay.heldRefunds).toBe(0);
  });

  it("'unreceived' drops a request whose caller hung up, and lets a waiting one through when lifted", async () => {
    await paidOrder('REFUND-HOLD-02');
    pay.sandbox.pay.holdRefunds('unreceived');
    const gaveUp = refund(refundBody('REFUND-HOLD-02', 'RF-HOLD-02', 100))
      .timeout(200)
      .then(
        () => 'answered',
        () => 'hung up',
      );
    expect(await gaveUp).toBe('hung up');
    await parked(0);
    const waiting = refund(refundBody('REFUND-HOLD-02', 'RF-HOLD-03', 100)).then((r) => r);
    await parked(1);
    pay.sandbox.pay.holdRefunds(null);
    expect((await waiting).status).toBe(200);
    expect((await queryRefund('RF-HOLD-02')).status).toBe(404);
    expect((await queryRefund('RF-HOLD-03')).status).toBe(200);
  });
});
